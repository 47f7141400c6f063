import type { Nanos, Span, TraceId, TraceTree } from '../../model/types.js';
import { servedAt } from '../peers.js';

/** A span with the id of the trace it is in: all a check across traces keeps of a span. */
export interface Located {
  readonly traceId: TraceId;
  readonly span: Span;
}

/** What one tree brings to the index (TraceIndex.partOf). */
export interface IndexPart {
  /** Distinct services. */
  readonly services: readonly string[];
  /** `[host:port, service]` of each SERVER span that says where it was reached. */
  readonly servers: readonly (readonly [string, string])[];
  /** `[traceId/spanId linked to, service of the linking span]`, in tree order. */
  readonly links: readonly (readonly [string, string])[];
  readonly calleeRoots: readonly Span[];
  readonly otherRoots: readonly Span[];
  /** The spans of the listed services (see `partOf`), in tree order. */
  readonly spans: readonly Span[];
}

/** A root that was called (a server or consumer with no parent and no link): where context was lost. */
export function isCalleeRoot(span: Span): boolean {
  return (
    span.parentSpanId === undefined &&
    span.links.length === 0 &&
    (span.kind === 'server' || span.kind === 'consumer')
  );
}

/**
 * A span that may be the root of a trace whose caller lost the context (TraceIndex.otherRoots):
 * no parent, no link, not an entry point. Without the tree it is more than the real ones (a trace
 * with several roots has none); the worker threads use it to choose the services whose spans
 * each trace's part must carry (see pipeline/tasks.ts), the index to find the roots themselves.
 */
export function mayBeOtherRoot(span: Span): boolean {
  return (
    span.parentSpanId === undefined &&
    span.links.length === 0 &&
    span.kind !== 'server' &&
    span.kind !== 'consumer'
  );
}

/**
 * What the checks across traces look up: a sealed TraceIndex, or the one a sliding window of
 * traces keeps up to date (window-index.ts). Answers come in the same order from both.
 */
export interface TraceLookup {
  readonly services: ReadonlySet<string>;
  /** `host:port` a SERVER span was reached at → its service (undefined: several services). */
  readonly serviceAt: ReadonlyMap<string, string | undefined>;
  /** `traceId/spanId` → the service of a span that links to it. */
  readonly linkedFrom: ReadonlyMap<string, string>;
  /** Callee roots that started in [from, to], by start. */
  calleeRootsStartingIn(from: bigint, to: bigint): Located[];
  /** Spans of `service` whose interval holds the instant `at`, by start. */
  spansOfServiceAround(service: string, at: Nanos): Located[];
}

/**
 * What the propagation checks look up across traces: the services in the data, which service
 * answers at which address, the roots that may be the far side of a broken call, which spans are
 * the target of a link, and each service's spans by start time. Trees are added one at a time
 * and not kept: only spans are, so a check over an export holds its spans, never all its trees.
 */
export class TraceIndex implements TraceLookup {
  readonly services = new Set<string>();
  /** `host:port` a SERVER span was reached at → its service (undefined: several services). */
  readonly serviceAt = new Map<string, string | undefined>();
  /** Roots (no parent at all) of kind SERVER or CONSUMER without links, by start once sealed. */
  readonly calleeRoots: Located[] = [];
  /** Roots of other kinds (INTERNAL, CLIENT, PRODUCER), alone in their trace, without links. */
  readonly otherRoots: Located[] = [];
  /** `traceId/spanId` → the service of a span that links to it. */
  readonly linkedFrom = new Map<string, string>();
  /** Each trace's listed spans in tree order, for the per-service lists. */
  readonly #traces: { readonly traceId: TraceId; readonly spans: readonly Span[] }[] = [];
  readonly #byService = new Map<string, { spans: Located[]; maxDuration: bigint }>();
  #sealed = false;

  /**
   * What a tree brings to the index: plain data (see PropagationCheck). `listed`: the services
   * whose spans the index lists for `spansOfServiceAround` (all, or those of the other roots of
   * every trace when that is known beforehand, as on worker threads).
   */
  static partOf(tree: TraceTree, listed: 'all' | ReadonlySet<string>): IndexPart {
    const services = new Set<string>();
    const servers: (readonly [string, string])[] = [];
    const links: (readonly [string, string])[] = [];
    const calleeRoots: Span[] = [];
    const otherRoots: Span[] = [];
    for (const { span } of tree.nodes) {
      services.add(span.service);
      if (span.kind === 'server') {
        const at = servedAt(span);
        if (at !== undefined) servers.push([at, span.service]);
      }
      for (const link of span.links) links.push([`${link.traceId}/${link.spanId}`, span.service]);
      if (isCalleeRoot(span)) calleeRoots.push(span);
      // The root of a trace of its own; a second root inside one trace is another matter.
      else if (mayBeOtherRoot(span) && tree.roots.length === 1) otherRoots.push(span);
    }
    return {
      services: [...services],
      servers,
      links,
      calleeRoots,
      otherRoots,
      spans:
        listed === 'all'
          ? tree.nodes.map((node) => node.span)
          : tree.nodes.map((node) => node.span).filter((span) => listed.has(span.service)),
    };
  }

  /**
   * Services, and the service answering at each address (undefined: several). Neither depends on
   * the order the traces come in, so another thread's traces may be added up first.
   */
  addServices(services: Iterable<string>, servers: Iterable<readonly [string, string | undefined]>): void {
    for (const service of services) this.services.add(service);
    for (const [at, service] of servers) noteServedAt(this.serviceAt, at, service);
  }

  add(traceId: TraceId, part: IndexPart): void {
    if (this.#sealed) throw new Error('TraceIndex: add after seal');
    this.addServices(part.services, part.servers);
    for (const [target, service] of part.links) this.linkedFrom.set(target, service);
    for (const span of part.calleeRoots) this.calleeRoots.push({ traceId, span });
    for (const span of part.otherRoots) this.otherRoots.push({ traceId, span });
    this.#traces.push({ traceId, spans: part.spans });
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
    const wanted = new Set(this.otherRoots.map((root) => root.span.service));
    this.calleeRoots.sort(byStart);
    this.otherRoots.sort(byStart);
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

/** One more service seen answering at `at`: the map keeps it, or undefined once two differ. */
export function noteServedAt(
  serviceAt: Map<string, string | undefined>,
  at: string,
  service: string | undefined,
): void {
  if (!serviceAt.has(at)) serviceAt.set(at, service);
  else if (serviceAt.get(at) !== service) serviceAt.set(at, undefined);
}

export function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first span starting at or after `at` (binary search over a start-sorted list). */
export function firstAtOrAfter(list: readonly Located[], at: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.span.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
