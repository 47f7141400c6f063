import type { PerfFinding } from '../../analysis/perf/perf-findings.js';
import { findingMarker, KIND_TEXT, ms, savingText } from '../perf/words.js';
import { type Quote, quoteValue, TEXT_QUOTE } from '../quote.js';
import type { Style } from '../style.js';
import type { AnalysisView } from './view.js';

/**
 * The performance findings of the trace shown (analysis/perf/detect-perf.ts), marked on the span
 * each names: the parent that made the calls, not the calls, which folding or `--depth` may hide.
 *
 *   GET /users/{id} (user-service) 95ms*  ◀ N+1 ×6
 *   ├─ N+1: SELECT * FROM orders WHERE id = ?                    (dim: the shape, once)
 *   └─ SELECT orders (user-service) ×6  72ms total (12ms–12ms each)
 */
export type PerfMarks = ReadonlyMap<number, readonly PerfFinding[]>;

/** The findings by the index of the node they name (`tree.byId`: one node where ids repeat). */
export function perfMarksOf(view: AnalysisView, findings: readonly PerfFinding[]): PerfMarks {
  const marks = new Map<number, PerfFinding[]>();
  for (const finding of findings) {
    const node = view.tree.byId.get(finding.spanId);
    if (node === undefined) continue;
    const list = marks.get(node.index);
    if (list) list.push(finding);
    else marks.set(node.index, [finding]);
  }
  return marks;
}

/** The markers after a span's label: `◀ N+1 ×12`. */
export function perfMarkerTexts(findings: readonly PerfFinding[], style: Style): string[] {
  return findings.map((f) => style.warning(`◀ ${findingMarker(f)}`));
}

/** The dim lines under the span: each finding's shape, once. */
export function perfNoteTexts(findings: readonly PerfFinding[], style: Style): string[] {
  return findings.map((f) => style.dim(`${KIND_TEXT[f.kind]}: ${quoteValue(f.shape)}`));
}

/** The finding that would save the most time; none where none saves any (a fan-out claims none). */
export function biggestSaving(findings: readonly PerfFinding[]): PerfFinding | undefined {
  let best: PerfFinding | undefined;
  for (const finding of findings)
    if (finding.savedMs > 0 && (best === undefined || finding.savedMs > best.savedMs)) best = finding;
  return best;
}

/** The footer's line: `Biggest saving: batch the 12 queries of … (SELECT …): ~130ms`. */
export function biggestSavingText(finding: PerfFinding, q: Quote = TEXT_QUOTE): string {
  return `Biggest saving: ${savingText(finding, q)}: ~${ms(finding.savedMs)}`;
}
