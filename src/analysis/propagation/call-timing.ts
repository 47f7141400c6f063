import { median, sortedAscending } from '../../model/stats.js';
import type { Span } from '../../model/types.js';

/**
 * One answered call's timing (ns): the callee's clock against the caller's, and the time a way
 * on the wire. The wire takes about the same time each way, so the server sits in the middle of
 * the client once the clocks agree:
 *
 *   client  |--------CLIENT--------|
 *   server      |----SERVER----|          before = after: offset 0, wire = before
 *           before            after
 *
 * offset = (before − after) / 2 (positive: the callee's clock is ahead), wire = (before + after) / 2.
 */
export interface CallTiming {
  readonly offset: number;
  readonly wire: number;
}

export function callTimingOf(client: Span, server: Span): CallTiming {
  const before = Number(server.start - client.start);
  const after = Number(client.end - server.end);
  return { offset: (before - after) / 2, wire: (before + after) / 2 };
}

/** What the answered calls between two services say of them (ns). */
export interface PairTiming {
  /** The callee's clock against the caller's: the median offset. */
  readonly offset: bigint;
  /** How much the offsets scatter (median absolute deviation, scaled to a σ). */
  readonly offsetSpread: bigint;
  /** The median time a way on the wire. */
  readonly wire: bigint;
  /** How much that scatters, as a σ. */
  readonly wireSpread: bigint;
}

/** What matching split calls asks of the timings (CallTimings, or a sliding window's). */
export interface TimingLookup {
  /** What the pair's answered calls say; undefined where none was answered in its trace. */
  estimate(caller: string, callee: string): PairTiming | undefined;
  /** The farthest any pair's clock is off: how far around a call its callee may be looked for. */
  widest(): bigint;
}

/** `[caller, callee, offsets, wires]`: the timings of one pair's answered calls, as plain data. */
export type PairTimingData = readonly [string, string, readonly number[], readonly number[]];

/** Timings learnt from answered calls, per caller → callee pair of services; order-free. */
export class CallTimings implements TimingLookup {
  readonly #byPair = new Map<
    string,
    { caller: string; callee: string; offsets: number[]; wires: number[] }
  >();
  #estimates: Map<string, PairTiming> | undefined;

  add(caller: string, callee: string, timing: CallTiming): void {
    const entry = this.#entry(caller, callee);
    entry.offsets.push(timing.offset);
    entry.wires.push(timing.wire);
  }

  addData([caller, callee, offsets, wires]: PairTimingData): void {
    const entry = this.#entry(caller, callee);
    for (const offset of offsets) entry.offsets.push(offset);
    for (const wire of wires) entry.wires.push(wire);
  }

  /** What the pair's answered calls say; undefined where none was answered in its trace. */
  estimate(caller: string, callee: string): PairTiming | undefined {
    this.#estimates ??= this.#estimateAll();
    return this.#estimates.get(`${caller}\u0000${callee}`);
  }

  /** The farthest any pair's clock is off: how far around a call its callee may be looked for. */
  widest(): bigint {
    this.#estimates ??= this.#estimateAll();
    return widestOf(this.#estimates.values());
  }

  data(): PairTimingData[] {
    return [...this.#byPair.values()].map(({ caller, callee, offsets, wires }) => [
      caller,
      callee,
      offsets,
      wires,
    ]);
  }

  #entry(caller: string, callee: string) {
    this.#estimates = undefined;
    const key = `${caller}\u0000${callee}`;
    let entry = this.#byPair.get(key);
    if (!entry) {
      entry = { caller, callee, offsets: [], wires: [] };
      this.#byPair.set(key, entry);
    }
    return entry;
  }

  #estimateAll(): Map<string, PairTiming> {
    const out = new Map<string, PairTiming>();
    for (const [key, { offsets, wires }] of this.#byPair) out.set(key, pairTimingOf(offsets, wires));
    return out;
  }
}

/**
 * Timings that come and go with their traces (`receive`'s window), per pair of services: a
 * trace's are added when it comes and taken back when it leaves. A pair's estimate is worked out
 * again only when asked for after it changed; it is the one CallTimings gives for the same calls.
 */
export class TimingsByTrace<T> implements TimingLookup {
  readonly #pairs = new Map<string, TimingsOfPair<T>>();

  add(trace: T, caller: string, callee: string, timing: CallTiming): void {
    const key = `${caller}\u0000${callee}`;
    let pair = this.#pairs.get(key);
    if (!pair) {
      pair = { byTrace: new Map(), estimate: undefined };
      this.#pairs.set(key, pair);
    }
    pair.estimate = undefined;
    const list = pair.byTrace.get(trace);
    if (list) list.push(timing);
    else pair.byTrace.set(trace, [timing]);
  }

  /** Takes back every timing `trace` brought to the pair. */
  remove(trace: T, caller: string, callee: string): void {
    const key = `${caller}\u0000${callee}`;
    const pair = this.#pairs.get(key);
    if (!pair?.byTrace.delete(trace)) return;
    pair.estimate = undefined;
    if (pair.byTrace.size === 0) this.#pairs.delete(key);
  }

  estimate(caller: string, callee: string): PairTiming | undefined {
    const pair = this.#pairs.get(`${caller}\u0000${callee}`);
    return pair && this.#estimateOf(pair);
  }

  widest(): bigint {
    return widestOf([...this.#pairs.values()].map((pair) => this.#estimateOf(pair)));
  }

  #estimateOf(pair: {
    readonly byTrace: Map<T, CallTiming[]>;
    estimate: PairTiming | undefined;
  }): PairTiming {
    if (!pair.estimate) {
      const timings = [...pair.byTrace.values()].flat();
      pair.estimate = pairTimingOf(
        timings.map((t) => t.offset),
        timings.map((t) => t.wire),
      );
    }
    return pair.estimate;
  }
}

interface TimingsOfPair<T> {
  readonly byTrace: Map<T, CallTiming[]>;
  /** Worked out when asked for, forgotten when the pair's timings change. */
  estimate: PairTiming | undefined;
}

/** What a pair's answered calls say: the centre and spread of their offsets and of their wires. */
export function pairTimingOf(offsets: readonly number[], wires: readonly number[]): PairTiming {
  const [offset, offsetSpread] = centreAndSpread(offsets);
  const [wire, wireSpread] = centreAndSpread(wires);
  return { offset, offsetSpread, wire, wireSpread };
}

/** The farthest the pairs' clocks are off, three spreads included. */
export function widestOf(pairs: Iterable<PairTiming>): bigint {
  let widest = 0n;
  for (const { offset, offsetSpread } of pairs) {
    const reach = (offset < 0n ? -offset : offset) + 3n * offsetSpread;
    if (reach > widest) widest = reach;
  }
  return widest;
}

/** The median and the median absolute deviation scaled to a σ (1.4826), rounded to ns. */
function centreAndSpread(values: readonly number[]): [bigint, bigint] {
  const centre = median(sortedAscending(values))!;
  const deviation = median(sortedAscending(values.map((v) => Math.abs(v - centre))))!;
  return [BigInt(Math.round(centre)), BigInt(Math.round(deviation * 1.4826))];
}
