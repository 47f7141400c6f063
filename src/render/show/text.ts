import { FINDING_SEVERITY, type Finding } from '../../analysis/findings.js';
import type { PerfFinding } from '../../analysis/perf/perf-findings.js';
import { diagnosisText, findingText } from '../finding-text.js';
import { formatDuration, isoTime, plural } from '../format.js';
import { quoteName } from '../quote.js';
import { biggestSaving, biggestSavingText } from './perf-marks.js';
import { renderTree, type TreeOptions } from './tree.js';
import type { AnalysisView } from './view.js';

/**
 * `otrace show` as text:
 *   header   trace id, duration, spans, services, errors, root
 *   tree     see tree-text.ts
 *   findings what is worth knowing beyond the tree (orphans, truncation, backend warnings), and
 *            the performance finding with the most to save
 *   footer   the diagnosis in one or two sentences
 */
export function renderShowText(
  view: AnalysisView,
  options: TreeOptions,
  perfFindings: readonly PerfFinding[] = [],
): string {
  const { tree, facts, diagnosis } = view;
  const { style } = options;
  const services = [...new Set(tree.nodes.map((n) => n.span.service))];
  const failed = facts.filter((f) => f.failed).length;
  const root = tree.roots[0];
  const out: string[] = [];
  out.push(
    `${style.bold(`Trace ${tree.traceId}`)}  ${formatDuration(tree.end - tree.start)}  ${plural(tree.nodes.length, 'span')}  ${plural(services.length, 'service')}  ${
      failed > 0 ? style.error(plural(failed, 'failed span')) : style.ok('no failed spans')
    }`,
  );
  if (root) {
    out.push(
      style.dim(
        `root ${quoteName(root.span.name)} (${quoteName(root.span.service)}) at ${isoTime(tree.start)}${
          tree.roots.length > 1 ? `; ${tree.roots.length} roots` : ''
        }   * critical path (≥ 1% of the trace)`,
      ),
    );
  }
  out.push('');
  const body = renderTree(view, options, perfFindings);
  out.push(...body.lines);
  if (body.shownSpans < tree.nodes.length) {
    out.push(style.dim(`(${body.shownSpans} of ${tree.nodes.length} spans shown)`));
  }
  const notes = view.findings.filter(isFooterFinding);
  const saving = biggestSaving(perfFindings);
  if (notes.length > 0 || saving) {
    out.push('');
    for (const finding of notes.slice(0, 10)) {
      const mark = FINDING_SEVERITY[finding.kind] === 'warning' ? style.warning('⚠') : style.dim('ℹ');
      out.push(`${mark} ${findingText(finding)}`);
    }
    if (notes.length > 10) out.push(style.dim(`… and ${notes.length - 10} more (see --format json)`));
    if (saving) out.push(`${style.warning('⚡')} ${biggestSavingText(saving)}`);
  }
  out.push('');
  const verdict = diagnosisText(diagnosis);
  const paint = diagnosis.kind === 'ok' ? style.ok : style.error;
  out.push(`${paint(diagnosis.kind === 'ok' ? '✓' : '✗')} ${verdict[0]}`);
  for (const line of verdict.slice(1)) out.push(`  ${line}`);
  return `${out.join('\n')}\n`;
}

/** Errors and timeouts are in the tree and the diagnosis; the footer lists the rest. */
function isFooterFinding(finding: Finding): boolean {
  return (
    finding.kind === 'orphan-span' ||
    finding.kind === 'parent-cycle' ||
    finding.kind === 'duplicate-span-id' ||
    finding.kind === 'truncated-trace' ||
    finding.kind === 'backend-warning'
  );
}
