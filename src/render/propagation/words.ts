import type { Edge } from '../../analysis/propagation/client-calls.js';
import type { PropagationFinding } from '../../analysis/propagation/findings.js';
import { plural } from '../format.js';
import { type Quote, TEXT_QUOTE } from '../quote.js';

/**
 * The wording of `check-propagation`, one entry per finding kind. Every string from span data is a
 * name (service, operation, peer, address), written through `q.name`: escaped, and cut as the text
 * formats cut it unless a JSON document asks for it whole.
 */

const short = (id: string) => id.slice(0, 16);
const span = (f: { service: string; operation: string }, q: Quote) =>
  `${q.name(f.service)} › ${q.name(f.operation)}`;

/** The callee's new trace, or the traces it is one of when several fit the call as well. */
function newTrace(f: Extract<PropagationFinding, { kind: 'split-trace' }>, q: Quote): string {
  const alternatives = f.alternatives ?? [];
  if (alternatives.length === 0)
    return `a new trace ${short(f.relatedTraceId)} (${q.name(f.relatedOperation)})`;
  const ids = [f.relatedTraceId, ...alternatives.map((a) => a.traceId)].map(short);
  return `a new trace, one of ${ids.length} that fit the call equally well (${ids.join(', ')}),`;
}

export function propagationMessage(f: PropagationFinding, q: Quote = TEXT_QUOTE): string {
  const s = q.name;
  switch (f.kind) {
    case 'split-trace':
      return f.cause === 'callee-did-not-extract'
        ? `${span(f, q)} called ${s(f.peerService)}${f.peer && f.peer !== f.peerService ? ` (${s(f.peer)})` : ''}, which started ${newTrace(f, q)} instead of continuing this one: ${s(f.peerService)} did not extract the trace context (no propagator, or another format, such as B3 against W3C)`
        : `${span(f, q)} called ${s(f.peer ?? 'a peer')}, and ${s(f.peerService)} started ${newTrace(f, q)} during the call: something between them (${s(f.peer ?? '?')}, not ${s(f.peerService)}) dropped the trace context headers, such as an uninstrumented proxy or gateway`;
    case 'unanswered-client':
      return `${span(f, q)} called ${s(f.peerService)}${f.peer && f.peer !== f.peerService ? ` (${s(f.peer)})` : ''}, but no span of ${s(f.peerService)} answered it in this trace or any other: it does not continue the trace, or its spans are missing`;
    case 'orphan-span':
      if (f.cause === 'root-not-arrived')
        return `${plural(f.siblings, 'span')} ${f.siblings === 1 ? 'hangs' : 'hang'} off ${f.parentSpanId}, which has not arrived: the trace's root is missing (still on its way, or lost)`;
      return f.cause === 'remote-parent-not-collected'
        ? `${span(f, q)} was called from span ${f.parentSpanId}, which was never collected: the caller is not instrumented, does not export, or sampled this trace out${f.siblings > 1 ? ` (${f.siblings} spans)` : ''}`
        : `${span(f, q)}'s parent ${f.parentSpanId} is missing mid-trace: an export gap, sampling or truncation${f.siblings > 1 ? ` (${f.siblings} spans)` : ''}`;
    case 'context-lost':
      return `${span(f, q)} started a new trace while ${s(f.relatedOperation)} (trace ${short(f.relatedTraceId)}) was running in the same service: the context was lost across an async boundary (a queue, a timer, a pool)`;
    case 'hidden-hop':
      return `${span(f, q)} called ${s(f.peer)}, but ${s(f.peerService)} was reached at ${s(f.servedAt)}: an uninstrumented hop in between forwards the trace context (the trace stays whole)`;
    case 'clock-skew':
      return `${plural(f.spans, 'span')} of ${s(f.peerService)} ${f.spans === 1 ? 'sits outside its' : 'sit outside their'} ${s(f.service)} ${f.spans === 1 ? 'parent' : 'parents'}, by ${f.spans === 1 ? '' : 'a median '}${Math.abs(f.offsetMs)} ms: ${s(f.peerService)}'s clock looks ${f.offsetMs < 0 ? 'behind' : 'ahead'}; clock skew, not broken propagation`;
  }
}

/** "order-service continued 0 of 48 calls from user-service" for the worst pair. */
export function edgeHeadline(edge: Edge, q: Quote = TEXT_QUOTE): string {
  const joined = edge.continued + edge.linked;
  return `${q.name(edge.callee)} continued ${joined} of ${plural(edge.calls, 'call')} from ${q.name(edge.caller)}`;
}
