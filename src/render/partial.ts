import type { SkippedInput } from '../pipeline/hooks.js';
import { plural } from './format.js';
import { quoteValue } from './quote.js';
import type { Report } from './report.js';
import { sanitize } from './sanitize.js';
import type { Style } from './style.js';

/**
 * A report over inputs of which some could not be read, said to be partial in every format: the
 * summary and the text say so first, the JSON document carries `skippedInputs`, and each skipped
 * input is a failed check (JUnit, GitHub annotations, Markdown).
 */
export function withSkippedInputs(report: Report, skipped: readonly SkippedInput[]): Report {
  if (skipped.length === 0) return report;
  const note = `Partial result: ${plural(skipped.length, 'input')} could not be read and ${skipped.length === 1 ? 'is' : 'are'} left out (${skipped.map((s) => sanitize(s.input)).join(', ')}).`;
  const json =
    typeof report.json === 'object' && report.json !== null && !Array.isArray(report.json)
      ? { ...report.json, skippedInputs: skipped.map(({ input, reason }) => ({ input, reason })) }
      : report.json;
  return {
    ...report,
    summary: `${note} ${report.summary}`,
    json,
    text: (style: Style, width: number) => `${style.warning(`⚠ ${note}`)}\n${report.text(style, width)}`,
    checks: [
      ...skipped.map(({ input, reason }) => ({
        name: `input ${sanitize(input)}`,
        status: 'failed' as const,
        severity: 'error' as const,
        message: `could not be read, left out: ${quoteValue(reason)}`,
      })),
      ...report.checks,
    ],
  };
}
