import type { Nanos, Span, TraceId, TraceTree } from '../../model/types.js';
import { servedAt } from './peers.js';

/** A span with the id of the trace it is in: all a check across traces keeps of a span. */
export interface Located {
  readonly traceId: TraceId;
  readonly span: Span;
}

/**
 * What the propagation checks look up across traces: the services in the data, which service
 * answers at which address, the roots that may be the far side of a broken call, which spans are
 * the target of a link, and each service's spans by start time. Trees are added one at a time
 * and not kept: only spans are, so a check over an export holds its spans, never all its trees.
 */
export class TraceIndex {
  readonly services = new Set<string>();
  /** `host:port` a SERVER span was reached at → its service (undefined: several services). */
  readonly serviceAt = new Map<string, string | undefined>();
  /** Roots (no parent at all) of kind SERVER or CONSUMER without links, by start once sealed. */
  readonly calleeRoots: Located[] = [];
  /** Roots of other kinds (INTERNAL, CLIENT, PRODUCER), alone in their trace, without links. */
  readonly otherRoots: Located[] = [];
  /** `traceId/spanId` → the service of a span that links to it. */
  readonly linkedFrom = new Map<string, string>();
  /** Each trace's spans in tree order, for the per-service lists built at `seal`. */
  readonly #traces: { readonly traceId: TraceId; readonly spans: readonly Span[] }[] = [];
  readonly #byService = new Map<string, { spans: Located[]; maxDuration: bigint }>();
  #sealed = false;

  add(tree: TraceTree): void {
    if (this.#sealed) throw new Error('TraceIndex: add after seal');
    const { traceId } = tree;
    for (const { span } of tree.nodes) {
      this.services.add(span.service);
      if (span.kind === 'server') {
        const at = servedAt(span);
        if (at !== undefined && !this.serviceAt.has(at)) this.serviceAt.set(at, span.service);
        else if (at !== undefined && this.serviceAt.get(at) !== span.service)
          this.serviceAt.set(at, undefined);
      }
      for (const link of span.links) this.linkedFrom.set(`${link.traceId}/${link.spanId}`, span.service);
      if (span.parentSpanId === undefined && span.links.length === 0) {
        if (span.kind === 'server' || span.kind === 'consumer') this.calleeRoots.push({ traceId, span });
        // The root of a trace of its own; a second root inside one trace is another matter.
        else if (tree.roots.length === 1) this.otherRoots.push({ traceId, span });
      }
    }
    this.#traces.push({ traceId, spans: tree.nodes.map((node) => node.span) });
  }

  /**
   * Sorts what the lookups search; called once, after the last tree. Spans by service are listed
   * only for the services `spansOfServiceAround` is asked about (those of `otherRoots`): most
   * exports have few or none, and listing every span cost a tenth of check-propagation.
   */
  seal(): this {
    if (this.#sealed) return this;
    this.#sealed = true;
    const byStart = (a: Located, b: Located) => compare(a.span.start, b.span.start);
    this.calleeRoots.sort(byStart);
    this.otherRoots.sort(byStart);
    const wanted = new Set(this.otherRoots.map((root) => root.span.service));
    if (wanted.size > 0) {
      for (const { traceId, spans } of this.#traces) {
        for (const span of spans) {
          if (!wanted.has(span.service)) continue;
          let entry = this.#byService.get(span.service);
          if (!entry) {
            entry = { spans: [], maxDuration: 0n };
            this.#byService.set(span.service, entry);
          }
          entry.spans.push({ traceId, span });
          const duration = span.end - span.start;
          if (duration > entry.maxDuration) entry.maxDuration = duration;
        }
      }
    }
    for (const entry of this.#byService.values()) entry.spans.sort(byStart);
    return this;
  }

  /** Callee roots that started in [from, to]. */
  calleeRootsStartingIn(from: bigint, to: bigint): Located[] {
    const out: Located[] = [];
    for (let i = firstAtOrAfter(this.calleeRoots, from); i < this.calleeRoots.length; i++) {
      const located = this.calleeRoots[i]!;
      if (located.span.start > to) break;
      out.push(located);
    }
    return out;
  }

  /** Spans of `service` whose interval holds the instant `at`; `service` is one of an `otherRoots` span. */
  spansOfServiceAround(service: string, at: Nanos): Located[] {
    const entry = this.#byService.get(service);
    if (!entry) return [];
    const out: Located[] = [];
    // Only spans that started within the longest duration before `at` can still be running.
    for (let i = firstAtOrAfter(entry.spans, at - entry.maxDuration); i < entry.spans.length; i++) {
      const { span } = entry.spans[i]!;
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
    if (list[mid]!.span.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
