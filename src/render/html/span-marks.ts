import { peerOf } from '../../analysis/peers.js';
import type { PerfFinding } from '../../analysis/perf/perf-findings.js';
import { parentIsRemote } from '../../model/span-flags.js';
import type { SpanNode } from '../../model/types.js';
import { timeoutReasonText } from '../finding-text.js';
import { findingMarker } from '../perf/words.js';
import { quoteName } from '../quote.js';
import type { AnalysisView } from '../show/view.js';
import { MARK_WORDS, parentMissingText, peerText, perfMarkText, slowBehindText } from './words.js';

/** How the page paints a marker: the text view's red, yellow and dim. */
export const MARK_LOOKS = ['error', 'warning', 'dim'] as const;
export type MarkLook = (typeof MARK_LOOKS)[number];

export interface Mark {
  readonly look: MarkLook;
  readonly text: string;
}

/**
 * The markers after a span's name, from the verdicts the analysis gave it (never worked out again
 * here, nor in the browser), in the text view's order and words:
 *   GET → order-service  ✗ TIMEOUT (error.type=TimeoutError) ◀ origin
 * The peer a CLIENT span called comes first, dim, as in the text view.
 */
export function marksOf(
  view: AnalysisView,
  node: SpanNode,
  perf: readonly PerfFinding[] | undefined,
): Mark[] {
  const { span } = node;
  const facts = view.facts[node.index]!;
  const marks: Mark[] = [];
  const peer = span.kind === 'client' || span.kind === 'producer' ? peerOf(span) : undefined;
  if (peer) marks.push({ look: 'dim', text: peerText(quoteName(peer)) });
  if (facts.failed) marks.push({ look: 'error', text: MARK_WORDS.failed });
  if (facts.timeout) {
    marks.push({ look: 'error', text: MARK_WORDS.timeout });
    marks.push({ look: 'dim', text: `(${timeoutReasonText(facts.timeout)})` });
  }
  if (facts.error?.source === 'http-status' && !facts.timeout)
    marks.push({ look: 'error', text: `HTTP ${facts.error.code}` });
  if (facts.error?.source === 'grpc-status' && !facts.timeout)
    marks.push({ look: 'error', text: `gRPC ${facts.error.name}` });
  if (facts.role === 'origin' && !facts.recoveredBy) marks.push({ look: 'error', text: MARK_WORDS.origin });
  if (facts.failed && facts.recoveredBy) marks.push({ look: 'dim', text: MARK_WORDS.recovered });
  if (facts.slowBehind)
    marks.push({ look: 'warning', text: slowBehindText(quoteName(facts.slowBehind.span.name)) });
  if (node.parentMissing)
    marks.push({
      look: 'warning',
      text: parentMissingText(quoteName(span.parentSpanId ?? ''), parentIsRemote(span) === true),
    });
  if (node.duplicateId) marks.push({ look: 'warning', text: MARK_WORDS.duplicateId });
  if (node.cycleCut) marks.push({ look: 'warning', text: MARK_WORDS.cycleCut });
  for (const finding of perf ?? [])
    marks.push({ look: 'warning', text: perfMarkText(findingMarker(finding)) });
  return marks;
}
