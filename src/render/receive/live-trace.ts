import type { TraceAnalysis } from '../../analysis/analyze-trace.js';
import type { PropagationFinding } from '../../analysis/propagation/findings.js';
import { severityOf } from '../../analysis/propagation/findings.js';
import { summarizeTrace } from '../../analysis/summarize-trace.js';
import type { Trace } from '../../model/types.js';
import { diagnosisText } from '../finding-text.js';
import { formatDuration } from '../format.js';
import { propagationMessage } from '../propagation/words.js';
import { JSON_QUOTE, quoteName } from '../quote.js';
import { escapeJsonControls } from '../sanitize.js';
import type { Style } from '../style.js';
import { cut, displayWidth } from '../width.js';

/**
 * One completed trace as `otrace receive` tails it: a line with the root, the duration and the
 * verdict, then a line per propagation finding about it.
 *
 *   ✗ 8ef5f11da6111ac0ede2738ab9c67be4  GET (user-service)  6.1s  7 spans  user-service → order-service timed out: …
 *     ✗ split-trace: user-service › GET called order-service …
 */
export function renderLiveTrace(
  trace: Trace,
  analysis: TraceAnalysis,
  findings: readonly PropagationFinding[],
  style: Style,
  width: number,
): string {
  const summary = summarizeTrace(trace);
  const ok = analysis.diagnosis.kind === 'ok';
  const mark = ok ? style.ok('✓') : style.error('✗');
  const verdict = diagnosisText(analysis.diagnosis)[0] ?? '';
  const head = `${summary.traceId}  ${quoteName(summary.rootName)} (${quoteName(summary.rootService)})${
    summary.rootMissing ? ' [root missing]' : ''
  }  ${formatDuration(BigInt(Math.round(summary.durationMs * 1e6)))}  ${summary.spanCount} span${summary.spanCount === 1 ? '' : 's'}  `;
  const lines = [`${mark} ${head}${cut(verdict, Math.max(20, width - displayWidth(head) - 2))}`];
  for (const f of findings) {
    const severity = severityOf(f);
    const sign =
      severity === 'error' ? style.error('✗') : severity === 'warning' ? style.warning('!') : style.dim('i');
    lines.push(`  ${sign} ${f.kind}: ${cut(propagationMessage(f), Math.max(20, width - f.kind.length - 6))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The same, as one NDJSON line: what a script tailing `otrace receive --format ndjson` reads. */
export function renderLiveTraceJson(
  trace: Trace,
  analysis: TraceAnalysis,
  findings: readonly PropagationFinding[],
): string {
  const summary = summarizeTrace(trace);
  return `${escapeJsonControls(
    JSON.stringify({
      traceId: summary.traceId,
      rootService: summary.rootService,
      rootName: summary.rootName,
      rootMissing: summary.rootMissing,
      durationMs: summary.durationMs,
      spanCount: summary.spanCount,
      errorCount: summary.errorCount,
      diagnosis: {
        kind: analysis.diagnosis.kind,
        text: diagnosisText(analysis.diagnosis, JSON_QUOTE).join(' '),
      },
      findings: findings.map((f) => ({
        kind: f.kind,
        severity: severityOf(f),
        message: propagationMessage(f, JSON_QUOTE),
      })),
    }),
  )}\n`;
}
