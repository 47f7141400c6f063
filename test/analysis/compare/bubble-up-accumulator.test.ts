import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BubbleUpAccumulator,
  type BubbleUpData,
  valueIdOf as idOf,
} from '../../../src/analysis/compare/bubble-up.js';
import {
  BUBBLE_UP_SCOPES,
  type BubbleUpEntry,
  type BubbleUpLimits,
  type BubbleUpTraceFacts,
  keyIdOf,
} from '../../../src/analysis/compare/bubble-up-facts.js';
import { comesBefore, hashText } from '../../../src/analysis/compare/bubble-up-order.js';
import { rangeOf } from '../../../src/analysis/compare/bubble-up-ranges.js';

/**
 * Property-based: the accumulator's counts depend on the set of traces only, not on their order
 * nor on how they are split among workers, and every count it keeps is exact. Small limits, so
 * that keys and values are let go all the time.
 */
const LIMITS: BubbleUpLimits = { maxKeys: 4, maxValues: 3 };

const entry: fc.Arbitrary<BubbleUpEntry> = fc.tuple(
  fc.constantFrom(...BUBBLE_UP_SCOPES),
  fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  fc.oneof(
    fc.constantFrom('x', 'y', 'z', 'w', 'v', '500'),
    fc.constantFrom(0, 1, 1.5, 500, 2_000, -3),
    fc.constant(null),
  ),
);

/** One trace's facts: each (scope, key, value) once, as bubbleUpFactsOf gives them. */
const facts: fc.Arbitrary<BubbleUpTraceFacts> = fc.record({
  selected: fc.boolean(),
  entries: fc.uniqueArray(entry, { maxLength: 12, selector: (e) => JSON.stringify(e) }),
  keysCapped: fc.constant(false),
});

function accumulate(traces: readonly BubbleUpTraceFacts[], limits = LIMITS): BubbleUpData {
  const accumulator = new BubbleUpAccumulator(limits);
  for (const trace of traces) accumulator.add(trace);
  return accumulator.toData();
}

describe('BubbleUpAccumulator', () => {
  it('counts the same whatever the order of the traces', () => {
    fc.assert(
      fc.property(
        fc
          .array(facts, { maxLength: 40 })
          .chain((traces) =>
            fc.tuple(fc.constant(traces), fc.shuffledSubarray(traces, { minLength: traces.length })),
          ),
        ([traces, shuffled]) => {
          expect(accumulate(shuffled)).toEqual(accumulate(traces));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('merged from any split among readers, in any order, counts what one reader counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(facts, fc.integer({ min: 0, max: 3 })), { maxLength: 40 }),
        fc.boolean(),
        (assigned, throughData) => {
          const readers = Array.from({ length: 4 }, () => new BubbleUpAccumulator(LIMITS));
          for (const [trace, reader] of assigned) readers[reader]!.add(trace);
          const main = new BubbleUpAccumulator(LIMITS);
          for (const reader of readers.reverse())
            main.merge(throughData ? BubbleUpAccumulator.fromData(reader.toData()).toData() : reader);
          expect(main.toData()).toEqual(accumulate(assigned.map(([trace]) => trace)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the first keys and values in the hash order, each count exact', () => {
    fc.assert(
      fc.property(fc.array(facts, { maxLength: 40 }), (traces) => {
        const data = accumulate(traces);
        const expected = countEverything(traces);
        const keyIds = [...expected.keys()];
        expect(data.keys.map((k) => keyIdOf(k.scope, k.key)).sort()).toEqual(
          firstInOrder(keyIds, LIMITS.maxKeys).sort(),
        );
        expect(data.keysCapped).toBe(keyIds.length > LIMITS.maxKeys);
        for (const key of data.keys) {
          const full = expected.get(keyIdOf(key.scope, key.key))!;
          expect(key.traces).toEqual(full.traces);
          expect(key.unusable).toEqual(full.unusable);
          expect(key.ranges).toEqual(
            [...full.ranges].sort(([a], [b]) => a - b).map(([range, c]) => ({ range, ...c })),
          );
          const valueIds = [...full.values.keys()];
          const keptIds = firstInOrder(valueIds, LIMITS.maxValues);
          expect(key.valuesCapped).toBe(valueIds.length > LIMITS.maxValues);
          expect(key.values.map((v) => idOf(v.value)).sort()).toEqual(keptIds.sort());
          for (const value of key.values)
            expect({ selection: value.selection, rest: value.rest }).toEqual(
              full.values.get(idOf(value.value)),
            );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to merge counts kept under other limits', () => {
    const other = new BubbleUpAccumulator({ maxKeys: 5, maxValues: 3 });
    expect(() => new BubbleUpAccumulator(LIMITS).merge(other)).toThrow(/different limits/);
  });

  it('passes on a trace’s keysCapped', () => {
    const accumulator = new BubbleUpAccumulator(LIMITS);
    accumulator.add({ selected: true, entries: [], keysCapped: true });
    expect(accumulator.toData()).toMatchObject({ keysCapped: true, traces: { selection: 1, rest: 0 } });
  });
});

type Pair = { selection: number; rest: number };

/** Everything counted, with no limit: the reference the kept counts must equal. */
function countEverything(traces: readonly BubbleUpTraceFacts[]) {
  const keys = new Map<
    string,
    { traces: Pair; unusable: Pair; values: Map<string, Pair>; ranges: Map<number, Pair> }
  >();
  for (const trace of traces) {
    const group = trace.selected ? 'selection' : 'rest';
    const seen = new Map<string, BubbleUpEntry[]>();
    for (const e of trace.entries)
      seen.set(keyIdOf(e[0], e[1]), [...(seen.get(keyIdOf(e[0], e[1])) ?? []), e]);
    for (const [id, entries] of seen) {
      const key = keys.get(id) ?? { traces: pair(), unusable: pair(), values: new Map(), ranges: new Map() };
      keys.set(id, key);
      key.traces[group]++;
      if (entries.some(([, , v]) => v === null)) key.unusable[group]++;
      const ranges = new Set<number>();
      for (const [, , value] of entries) {
        if (value === null) continue;
        const counts = key.values.get(idOf(value)) ?? pair();
        counts[group]++;
        key.values.set(idOf(value), counts);
        if (typeof value === 'number') ranges.add(rangeOf(value));
      }
      for (const range of ranges) {
        const counts = key.ranges.get(range) ?? pair();
        counts[group]++;
        key.ranges.set(range, counts);
      }
    }
  }
  return keys;
}

const pair = (): Pair => ({ selection: 0, rest: 0 });

function firstInOrder(ids: readonly string[], limit: number): string[] {
  return ids
    .map((id) => ({ id, hash: hashText(id) }))
    .sort((a, b) => (comesBefore(a, b) ? -1 : 1))
    .slice(0, limit)
    .map((item) => item.id);
}
