import type { SpanId, SpanNode, TraceTree } from '../model/types.js';
import { nanosToMillis, spanDuration } from '../model/units.js';
import type { ExceptionInfo } from './exceptions.js';
import { peerOf } from './peers.js';
import type { ErrorReason } from './span-errors.js';
import type { SpanFacts } from './span-facts.js';
import type { TimeoutReason } from './timeouts.js';

interface SpanRef {
  readonly spanId: SpanId;
  readonly name: string;
  readonly service: string;
  readonly durationMs: number;
}

/** The one- or two-sentence verdict of a trace, as data; render/ words it. */
export type Diagnosis =
  | { readonly kind: 'ok'; readonly recoveredErrors: number }
  | {
      readonly kind: 'failed' | 'timed-out';
      /** Service of the root the failure surfaced at. */
      readonly from: string;
      /** The service (or peer address) that failed to answer, when it is not `from` itself. */
      readonly to: string | undefined;
      readonly origin: SpanRef;
      /** The origin's caller in the same service, for a label like "get_user_orders › GET". */
      readonly originCaller: SpanRef | undefined;
      readonly exception: ExceptionInfo | undefined;
      readonly reason: ErrorReason | undefined;
      readonly timeout: TimeoutReason | undefined;
      /** The slow span behind a (masked) timeout. */
      readonly slowSpan: SpanRef | undefined;
      /** Other unrecovered origins in the trace. */
      readonly otherOrigins: number;
      readonly recoveredErrors: number;
    };

function refOf(node: SpanNode): SpanRef {
  const { span } = node;
  return {
    spanId: span.spanId,
    name: span.name,
    service: span.service,
    durationMs: nanosToMillis(spanDuration(span)),
  };
}

function rootOf(node: SpanNode): SpanNode {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/**
 * Picks the origin that explains the trace: an unrecovered one, timeouts first (they are what
 * on-call is paged for), then the one that failed first. Names the hop: the root's service → the
 * service that did not answer (the slow span's, the origin's own, or the peer a CLIENT span called).
 */
export function diagnose(tree: TraceTree, facts: readonly SpanFacts[]): Diagnosis {
  const origins: SpanNode[] = [];
  let recoveredErrors = 0;
  for (const node of tree.nodes) {
    const f = facts[node.index]!;
    if (f.role !== 'origin') continue;
    if (f.recoveredBy) recoveredErrors++;
    else origins.push(node);
  }
  if (origins.length === 0) return { kind: 'ok', recoveredErrors };
  // The first failure in time is usually the cause of the rest (sibling errors).
  const byEnd = [...origins].sort((a, b) => (a.span.end < b.span.end ? -1 : a.span.end > b.span.end ? 1 : 0));
  const chosen = byEnd.find((n) => facts[n.index]!.timeout !== undefined) ?? byEnd[0]!;
  const f = facts[chosen.index]!;
  const from = rootOf(chosen).span.service;
  const slow = tree.nodes.find((n) => facts[n.index]!.slowBehind === chosen);
  // HTTP client spans have generic names ("GET"): name the operation that made the call too.
  const isCall = chosen.span.kind === 'client' || chosen.span.kind === 'producer';
  const caller =
    isCall && chosen.parent && chosen.parent.span.service === chosen.span.service ? chosen.parent : undefined;

  let to: string | undefined;
  if (slow && slow.span.service !== from) to = slow.span.service;
  else if (chosen.span.service !== from) to = chosen.span.service;
  else if (isCall) to = peerOf(chosen.span);

  return {
    kind: f.timeout ? 'timed-out' : 'failed',
    from,
    to,
    origin: refOf(chosen),
    originCaller: caller ? refOf(caller) : undefined,
    exception: f.exceptions[0] ?? (caller ? facts[caller.index]!.exceptions[0] : undefined),
    reason: f.error,
    timeout: strongestTimeout(chosen, facts),
    slowSpan: slow ? refOf(slow) : undefined,
    otherOrigins: origins.length - 1,
    recoveredErrors,
  };
}

const INFERRED: ReadonlySet<TimeoutReason['source']> = new Set(['round-limit', 'limit']);

/**
 * The timeout as the data states it, if the failing chain above the origin states one: a proxy's
 * 504 says more than "the egress failed after exactly 15 s".
 */
function strongestTimeout(origin: SpanNode, facts: readonly SpanFacts[]): TimeoutReason | undefined {
  const own = facts[origin.index]!.timeout;
  if (own && !INFERRED.has(own.source)) return own;
  for (let node = origin.parent; node && facts[node.index]!.failed; node = node.parent) {
    const stated = facts[node.index]!.timeout;
    if (stated && !INFERRED.has(stated.source)) return stated;
  }
  return own;
}
