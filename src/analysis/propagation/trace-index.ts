import type { Nanos, SpanNode, TraceTree } from '../../model/types.js';
import { servedAt } from './peers.js';

/** A span with the tree it is in. */
export interface Located {
  readonly tree: TraceTree;
  readonly node: SpanNode;
}

/**
 * What the propagation checks look up across traces: the services in the data, which service
 * answers at which address, the roots that may be the far side of a broken call, which spans are
 * the target of a link, and each service's spans by start time.
 */
export class TraceIndex {
  readonly services = new Set<string>();
  /** `host:port` a SERVER span was reached at → its service (undefined: several services). */
  readonly serviceAt = new Map<string, string | undefined>();
  /** Roots (no parent at all) of kind SERVER or CONSUMER without links, by start. */
  readonly calleeRoots: Located[] = [];
  /** Roots of other kinds (INTERNAL, CLIENT, PRODUCER), alone in their trace, without links, by start. */
  readonly otherRoots: Located[] = [];
  /** `traceId/spanId` → the service of a span that links to it. */
  readonly linkedFrom = new Map<string, string>();
  readonly #byService = new Map<string, { spans: Located[]; maxDuration: bigint }>();

  constructor(trees: readonly TraceTree[]) {
    for (const tree of trees) {
      for (const node of tree.nodes) {
        const { span } = node;
        this.services.add(span.service);
        if (span.kind === 'server') {
          const at = servedAt(span);
          if (at !== undefined && !this.serviceAt.has(at)) this.serviceAt.set(at, span.service);
          else if (at !== undefined && this.serviceAt.get(at) !== span.service)
            this.serviceAt.set(at, undefined);
        }
        for (const link of span.links) this.linkedFrom.set(`${link.traceId}/${link.spanId}`, span.service);
        if (span.parentSpanId === undefined && span.links.length === 0) {
          if (span.kind === 'server' || span.kind === 'consumer') this.calleeRoots.push({ tree, node });
          // The root of a trace of its own; a second root inside one trace is another matter.
          else if (tree.roots.length === 1) this.otherRoots.push({ tree, node });
        }
        let entry = this.#byService.get(span.service);
        if (!entry) {
          entry = { spans: [], maxDuration: 0n };
          this.#byService.set(span.service, entry);
        }
        entry.spans.push({ tree, node });
        const duration = span.end - span.start;
        if (duration > entry.maxDuration) entry.maxDuration = duration;
      }
    }
    const byStart = (a: Located, b: Located) => compare(a.node.span.start, b.node.span.start);
    this.calleeRoots.sort(byStart);
    this.otherRoots.sort(byStart);
    for (const entry of this.#byService.values()) entry.spans.sort(byStart);
  }

  /** Callee roots that started in [from, to]. */
  calleeRootsStartingIn(from: bigint, to: bigint): Located[] {
    const out: Located[] = [];
    for (let i = firstAtOrAfter(this.calleeRoots, from); i < this.calleeRoots.length; i++) {
      const located = this.calleeRoots[i]!;
      if (located.node.span.start > to) break;
      out.push(located);
    }
    return out;
  }

  /** Spans of `service` whose interval holds the instant `at`. */
  spansOfServiceAround(service: string, at: Nanos): Located[] {
    const entry = this.#byService.get(service);
    if (!entry) return [];
    const out: Located[] = [];
    // Only spans that started within the longest duration before `at` can still be running.
    for (let i = firstAtOrAfter(entry.spans, at - entry.maxDuration); i < entry.spans.length; i++) {
      const { span } = entry.spans[i]!.node;
      if (span.start > at) break;
      if (span.end >= at) out.push(entry.spans[i]!);
    }
    return out;
  }
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first span starting at or after `at` (binary search over a start-sorted list). */
function firstAtOrAfter(list: readonly Located[], at: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.node.span.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
