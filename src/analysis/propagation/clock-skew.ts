import { median, sortedAscending } from '../../model/stats.js';
import type { Span, SpanNode, TraceId, TraceTree } from '../../model/types.js';
import { detectError } from '../span-errors.js';
import type { PropagationFinding } from './findings.js';

/** Beyond this a child that starts before its caller is not rounding. */
const TOLERANCE = 1_000_000n;
/**
 * A SERVER span may end a little after the CLIENT span that got its answer without any skew: the
 * server ends its span when the response is flushed, which a busy event loop can delay past the
 * client's read. 8 ms was seen on one machine under load; ends need a wider margin than starts.
 */
const END_TOLERANCE = 25_000_000n;

/** A child of another service outside its parent's interval: how far off its clock looks (ms). */
export interface SkewPart {
  readonly parent: Span;
  readonly child: Span;
  readonly offset: number;
}

interface Pair {
  /** The first pair of spans seen: the finding names it. */
  readonly traceId: TraceId;
  readonly parent: Span;
  readonly child: Span;
  readonly offsets: number[];
}

/**
 * Children of another service that cannot be where they are unless the clocks disagree, per pair
 * of services with the median offset: a callee that starts before its caller did, or a SERVER
 * span that ends well after the CLIENT span that got its answer (a failed client may have given
 * up first). Real skew is then not mistaken for broken propagation. Trees are added one at a time.
 *
 *   caller  |--CLIENT--------|
 *   callee |--SERVER--|            starts 1.2 ms early: the callee's clock is behind
 */
export class ClockSkewCheck {
  readonly #pairs = new Map<string, Pair>();

  /** A tree's cross-service parent/child pairs that look skewed, in tree order: plain data. */
  static partOf(tree: TraceTree): SkewPart[] {
    const out: SkewPart[] = [];
    for (const node of tree.nodes) {
      const parent = node.parent;
      if (!parent || parent.span.service === node.span.service) continue;
      const offset = skewOf(parent, node);
      if (offset !== undefined) out.push({ parent: parent.span, child: node.span, offset });
    }
    return out;
  }

  add(traceId: TraceId, parts: readonly SkewPart[]): void {
    for (const { parent, child, offset } of parts) {
      const key = `${parent.service}\u0000${child.service}`;
      const pair = this.#pairs.get(key);
      if (pair) pair.offsets.push(offset);
      else this.#pairs.set(key, { traceId, parent, child, offsets: [offset] });
    }
  }

  findings(): PropagationFinding[] {
    return [...this.#pairs.values()].map((pair) => skewFinding(pair, pair.offsets));
  }
}

/** The finding of one pair of services: named by its first skewed pair of spans, with the median offset. */
export function skewFinding(
  { traceId, parent, child }: { readonly traceId: TraceId; readonly parent: Span; readonly child: Span },
  offsets: readonly number[],
): PropagationFinding {
  return {
    kind: 'clock-skew',
    traceId,
    spanId: parent.spanId,
    service: parent.service,
    operation: parent.name,
    peerService: child.service,
    spans: offsets.length,
    offsetMs: Math.round(median(sortedAscending(offsets))! * 1000) / 1000,
  };
}

/** How far off the child's clock looks (ms; negative: behind), or undefined when it fits. */
function skewOf(parent: SpanNode, child: SpanNode): number | undefined {
  const early = parent.span.start - child.span.start;
  if (early > TOLERANCE) return -Number(early) / 1e6;
  const answered = parent.span.kind === 'client' && child.span.kind === 'server' && !detectError(parent.span);
  const late = child.span.end - parent.span.end;
  if (answered && late > END_TOLERANCE) return Number(late) / 1e6;
  return undefined;
}
