import type { Nanos, Span, TraceId } from '../../model/types.js';
import type { TracePart } from './check-propagation.js';
import { compare, firstAtOrAfter, type Located, type TraceLookup } from './trace-index.js';

/**
 * A trace of a sliding window (PropagationWindow), in the order of traces: earliest start, then
 * id, then arrival (`seq`: a trace id completed twice, its late spans a trace of their own, keeps
 * the order in which both came).
 */
export interface WindowTrace {
  readonly start: Nanos;
  readonly traceId: TraceId;
  readonly seq: number;
  /** Its part of the checks, with every span listed (`tracePart(tree, options, 'all')`). */
  readonly part: TracePart;
  /** false once it has left the window: lists drop its spans lazily (PlacedList). */
  live: boolean;
}

export function byTraceOrder(a: WindowTrace, b: WindowTrace): number {
  return (
    compare(a.start, b.start) || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : a.seq - b.seq)
  );
}

/**
 * The index TraceIndex builds, kept up to date as traces come into a window and leave it: each
 * trace's spans are indexed once when it comes and dropped once when it goes, never indexed again
 * (a TraceIndex rebuilt over the window at every tick indexed each span as often as the window is
 * long). Lookups answer in TraceIndex's order: by start, then the order of traces, then the order
 * within each trace's part.
 */
export class WindowIndex implements TraceLookup {
  readonly #serviceCounts = new Map<string, number>();
  readonly services = new Set<string>();
  /** `host:port` → how many SERVER spans of each service were reached there. */
  readonly #servedAtCounts = new Map<string, Map<string, number>>();
  readonly serviceAt = new Map<string, string | undefined>();
  /** `traceId/spanId` → the spans linking to it, in the order of traces: the last one's service counts. */
  readonly #linkers = new Map<string, { trace: WindowTrace; rank: number; service: string }[]>();
  readonly linkedFrom = new Map<string, string>();
  readonly #calleeRoots = new PlacedList();
  readonly #otherRoots = new Map<string, PlacedList>();
  readonly #spans = new Map<string, PlacedList>();
  /** Spans indexed so far: each span of each trace once. */
  spansIndexed = 0;

  add(traces: readonly WindowTrace[]): void {
    const calleeRoots: Placed[] = [];
    const otherRoots = new Map<string, Placed[]>();
    const spans = new Map<string, Placed[]>();
    for (const trace of traces) {
      const { index } = trace.part;
      for (const service of index.services) {
        const count = this.#serviceCounts.get(service) ?? 0;
        this.#serviceCounts.set(service, count + 1);
        if (count === 0) this.services.add(service);
      }
      for (const [at, service] of index.servers) this.#noteServer(at, service, 1);
      for (const [rank, [target, service]] of index.links.entries())
        this.#noteLinker(target, { trace, rank, service });
      for (const [rank, span] of index.calleeRoots.entries()) calleeRoots.push(placed(trace, span, rank));
      for (const [rank, span] of index.otherRoots.entries())
        listIn(otherRoots, span.service).push(placed(trace, span, rank));
      for (const [rank, span] of index.spans.entries())
        listIn(spans, span.service).push(placed(trace, span, rank));
      this.spansIndexed += index.spans.length;
    }
    this.#calleeRoots.insert(calleeRoots);
    for (const [service, list] of otherRoots) listOf(this.#otherRoots, service).insert(list);
    for (const [service, list] of spans) listOf(this.#spans, service).insert(list);
  }

  /** The trace leaves: what it counted is taken back now, its spans dropped from the lists lazily. */
  remove(trace: WindowTrace): void {
    trace.live = false;
    const { index } = trace.part;
    for (const service of index.services) {
      const count = this.#serviceCounts.get(service)! - 1;
      if (count > 0) this.#serviceCounts.set(service, count);
      else {
        this.#serviceCounts.delete(service);
        this.services.delete(service);
      }
    }
    for (const [at, service] of index.servers) this.#noteServer(at, service, -1);
    for (const [target] of index.links) this.#forgetLinkers(target, trace);
    this.#calleeRoots.forget(index.calleeRoots.length);
    forgetIn(this.#otherRoots, index.otherRoots);
    forgetIn(this.#spans, index.spans);
  }

  calleeRootsStartingIn(from: bigint, to: bigint): Located[] {
    return this.#calleeRoots.startingIn(from, to);
  }

  /** Roots of other kinds of `service` (TraceIndex.otherRoots) that started in [from, to]. */
  otherRootsStartingIn(service: string, from: bigint, to: bigint): Placed[] {
    return this.#otherRoots.get(service)?.startingIn(from, to) ?? [];
  }

  spansOfServiceAround(service: string, at: Nanos): Located[] {
    const list = this.#spans.get(service);
    if (!list) return [];
    // Only spans that started within the longest duration before `at` can still be running.
    return list.startingIn(at - list.maxDuration, at).filter(({ span }) => span.end >= at);
  }

  #noteServer(at: string, service: string, change: 1 | -1): void {
    let counts = this.#servedAtCounts.get(at);
    if (!counts) {
      counts = new Map();
      this.#servedAtCounts.set(at, counts);
    }
    const count = (counts.get(service) ?? 0) + change;
    if (count > 0) counts.set(service, count);
    else counts.delete(service);
    // One service answering there: it; several: undefined (as noteServedAt); none: unknown.
    if (counts.size === 0) {
      this.#servedAtCounts.delete(at);
      this.serviceAt.delete(at);
    } else this.serviceAt.set(at, counts.size === 1 ? counts.keys().next().value : undefined);
  }

  #noteLinker(target: string, linker: { trace: WindowTrace; rank: number; service: string }): void {
    const list = this.#linkers.get(target) ?? [];
    this.#linkers.set(target, list);
    let at = list.length;
    while (
      at > 0 &&
      (byTraceOrder(list[at - 1]!.trace, linker.trace) || list[at - 1]!.rank - linker.rank) > 0
    )
      at--;
    list.splice(at, 0, linker);
    this.linkedFrom.set(target, list[list.length - 1]!.service);
  }

  #forgetLinkers(target: string, trace: WindowTrace): void {
    const list = this.#linkers.get(target)?.filter((linker) => linker.trace !== trace) ?? [];
    if (list.length === 0) {
      this.#linkers.delete(target);
      this.linkedFrom.delete(target);
    } else {
      this.#linkers.set(target, list);
      this.linkedFrom.set(target, list[list.length - 1]!.service);
    }
  }
}

/** A span in the window, with what places it among spans that start at the same instant. */
export interface Placed extends Located {
  readonly trace: WindowTrace;
  /** Its place in its part's list. */
  readonly rank: number;
}

function placed(trace: WindowTrace, span: Span, rank: number): Placed {
  return { traceId: trace.traceId, span, trace, rank };
}

/** By start, then the order of traces, then the place in the part: a stable sort's order in TraceIndex. */
export function byPlace(a: Placed, b: Placed): number {
  return compare(a.span.start, b.span.start) || byTraceOrder(a.trace, b.trace) || a.rank - b.rank;
}

/**
 * Spans sorted by place. New ones are merged in where they belong (traces complete about in the
 * order they start, so mostly at the end); those of traces that left are skipped, and dropped
 * once they are half the list, so that each is dropped once.
 */
class PlacedList {
  #items: Placed[] = [];
  #gone = 0;
  /** The longest span listed, gone ones included until they are dropped: a bound, never less. */
  maxDuration = 0n;

  insert(added: Placed[]): void {
    if (added.length === 0) return;
    added.sort(byPlace);
    for (const { span } of added)
      if (span.end - span.start > this.maxDuration) this.maxDuration = span.end - span.start;
    // Everything after the first newcomer's place is merged with the newcomers; before it stays.
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byPlace(this.#items[mid]!, added[0]!) < 0) lo = mid + 1;
      else hi = mid;
    }
    const after = this.#items.splice(lo);
    let i = 0;
    let j = 0;
    while (i < after.length || j < added.length)
      this.#items.push(
        j >= added.length || (i < after.length && byPlace(after[i]!, added[j]!) < 0)
          ? after[i++]!
          : added[j++]!,
      );
  }

  /** Items of traces still in the window. */
  get live(): number {
    return this.#items.length - this.#gone;
  }

  /** `count` items of a trace that left. */
  forget(count: number): void {
    this.#gone += count;
    if (this.#gone * 2 <= this.#items.length) return;
    this.#items = this.#items.filter((item) => item.trace.live);
    this.#gone = 0;
    this.maxDuration = 0n;
    for (const { span } of this.#items)
      if (span.end - span.start > this.maxDuration) this.maxDuration = span.end - span.start;
  }

  /** The live items that started in [from, to], in order. */
  startingIn(from: bigint, to: bigint): Placed[] {
    const out: Placed[] = [];
    for (let i = firstAtOrAfter(this.#items, from); i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (item.span.start > to) break;
      if (item.trace.live) out.push(item);
    }
    return out;
  }
}

/** A trace's spans leave their services' lists; a list left empty goes (service names come and go). */
function forgetIn(lists: Map<string, PlacedList>, spans: readonly Span[]): void {
  const counts = new Map<string, number>();
  for (const { service } of spans) counts.set(service, (counts.get(service) ?? 0) + 1);
  for (const [service, count] of counts) {
    const list = lists.get(service)!;
    list.forget(count);
    if (list.live === 0) lists.delete(service);
  }
}

function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

function listOf(map: Map<string, PlacedList>, key: string): PlacedList {
  let list = map.get(key);
  if (!list) {
    list = new PlacedList();
    map.set(key, list);
  }
  return list;
}
