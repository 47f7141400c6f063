import type { BubbleUpData, Counts, KeyData } from './bubble-up-data.js';
import {
  BUBBLE_UP_LIMITS,
  BUBBLE_UP_SCOPES,
  type BubbleUpLimits,
  type BubbleUpScope,
  type BubbleUpTraceFacts,
  keyIdOf,
} from './bubble-up-facts.js';
import { comesBefore, hashText, keepFirst, type Ordered } from './bubble-up-order.js';
import { rangeOf } from './bubble-up-ranges.js';

export type { BubbleUpData, Counts, KeyData, RangeData, ValueData } from './bubble-up-data.js';

type Group = keyof Counts;

interface Tally {
  selection: number;
  rest: number;
  /** The number of the last trace counted here (add), so that a trace counts once. */
  stamp: number;
}

interface ValueState extends Ordered, Tally {
  readonly value: string | number;
}

interface KeyState extends Ordered {
  readonly scope: BubbleUpScope;
  readonly key: string;
  readonly traces: Tally;
  readonly occurrences: Tally;
  readonly unusable: Tally;
  valuesCapped: boolean;
  /** Kept values, text and numbers apart (the text "500" and the number 500 are two). */
  readonly texts: Map<string, ValueState>;
  readonly numbers: Map<number, ValueState>;
  /** Once the values are full: the last of them in the fixed order, found once per change. */
  lastValue: ValueState | undefined;
  readonly ranges: Map<number, Tally>;
}

/**
 * BubbleUp (`otrace compare --where`): what the traces of a selection have in common that the
 * rest do not. Each trace's facts (bubble-up-facts.ts) are added here, counting per (scope, key,
 * value) how many traces of the selection and of the rest have it; bubble-up-rank.ts ranks them.
 *
 * Memory is bounded: at most `maxKeys` keys and `maxValues` values per key are counted, the
 * first in one fixed order (bubble-up-order.ts: by hash), so that the counts are the same
 * whatever order the traces come in and however they are split among workers, and each count
 * kept is exact. What is left out is counted: `keysCapped`, and per key `valuesCapped` and the
 * trace-values not kept (`occurrences` less the values'). Numbers are also counted by range
 * (bubble-up-ranges.ts), whatever their count.
 */
export class BubbleUpAccumulator {
  readonly limits: BubbleUpLimits;
  private readonly traces: Tally = newTally();
  private keysCapped = false;
  /** Kept keys, by scope then key: no string is built to look one up. */
  private readonly keys = new Map<BubbleUpScope, Map<string, KeyState>>(
    BUBBLE_UP_SCOPES.map((scope) => [scope, new Map()]),
  );
  private keyCount = 0;
  /** Once the keys are full: the last of them in the fixed order, found once per change. */
  private lastKey: KeyState | undefined;
  /** Traces added, numbering them for the stamps. */
  private added = 0;

  constructor(limits: BubbleUpLimits = BUBBLE_UP_LIMITS) {
    this.limits = limits;
  }

  /** Counts one trace. */
  add(facts: BubbleUpTraceFacts): void {
    const group: Group = facts.selected ? 'selection' : 'rest';
    const stamp = ++this.added;
    this.traces[group]++;
    if (facts.keysCapped) this.keysCapped = true;
    for (const [scope, key, value] of facts.entries) {
      const state = this.keyFor(scope, key);
      if (!state) continue;
      countOnce(state.traces, group, stamp);
      if (value === null) {
        countOnce(state.unusable, group, stamp);
        continue;
      }
      state.occurrences[group]++;
      this.countValue(state, value, group);
      if (typeof value !== 'number') continue;
      const range = rangeOf(value);
      let tally = state.ranges.get(range);
      if (!tally) {
        tally = newTally();
        state.ranges.set(range, tally);
      }
      countOnce(tally, group, stamp);
    }
  }

  /** Adds what another accumulator counted (a worker's): the same as having counted its traces here. */
  merge(other: BubbleUpAccumulator | BubbleUpData): void {
    const data = other instanceof BubbleUpAccumulator ? other.toData() : other;
    if (data.limits.maxKeys !== this.limits.maxKeys || data.limits.maxValues !== this.limits.maxValues)
      throw new Error('BubbleUp accumulators with different limits cannot be merged');
    addTally(this.traces, data.traces);
    if (data.keysCapped) this.keysCapped = true;
    const all = new Map<string, KeyState>();
    for (const state of this.allKeys()) all.set(state.id, state);
    for (const key of data.keys) {
      const id = keyIdOf(key.scope, key.key);
      const state = all.get(id) ?? newKeyState(id, key.scope, key.key);
      mergeKey(state, key, this.limits.maxValues);
      all.set(id, state);
    }
    const { kept, cut } = keepFirst([...all.values()], this.limits.maxKeys);
    if (cut) this.keysCapped = true;
    for (const keys of this.keys.values()) keys.clear();
    for (const state of kept) this.keys.get(state.scope)!.set(state.key, state);
    this.keyCount = kept.length;
    this.lastKey = undefined;
  }

  /** The counts as plain data, in one canonical order: equal counts give equal data. */
  toData(): BubbleUpData {
    const keys = [...this.allKeys()].sort(
      (a, b) => compareText(a.scope, b.scope) || compareText(a.key, b.key),
    );
    return {
      limits: { maxKeys: this.limits.maxKeys, maxValues: this.limits.maxValues },
      traces: countsOf(this.traces),
      keysCapped: this.keysCapped,
      keys: keys.map((state) => ({
        scope: state.scope,
        key: state.key,
        traces: countsOf(state.traces),
        occurrences: countsOf(state.occurrences),
        unusable: countsOf(state.unusable),
        valuesCapped: state.valuesCapped,
        values: [...state.texts.values(), ...state.numbers.values()]
          .sort((a, b) => compareValues(a.value, b.value))
          .map(({ value, selection, rest }) => ({ value, selection, rest })),
        ranges: [...state.ranges]
          .sort(([a], [b]) => a - b)
          .map(([range, tally]) => ({ range, ...countsOf(tally) })),
      })),
    };
  }

  static fromData(data: BubbleUpData): BubbleUpAccumulator {
    const accumulator = new BubbleUpAccumulator(data.limits);
    accumulator.merge(data);
    return accumulator;
  }

  private *allKeys(): Iterable<KeyState> {
    for (const keys of this.keys.values()) yield* keys.values();
  }

  /** The key's counts, or undefined when it is not among the keys kept. */
  private keyFor(scope: BubbleUpScope, key: string): KeyState | undefined {
    const keys = this.keys.get(scope)!;
    const known = keys.get(key);
    if (known) return known;
    const state = newKeyState(keyIdOf(scope, key), scope, key);
    if (this.keyCount >= this.limits.maxKeys) {
      this.keysCapped = true;
      this.lastKey ??= lastOf(this.allKeys());
      if (!this.lastKey || !comesBefore(state, this.lastKey)) return undefined;
      this.keys.get(this.lastKey.scope)!.delete(this.lastKey.key);
      this.keyCount--;
      this.lastKey = undefined;
    }
    keys.set(key, state);
    this.keyCount++;
    return state;
  }

  private countValue(state: KeyState, value: string | number, group: Group): void {
    let known = typeof value === 'number' ? state.numbers.get(value) : state.texts.get(value);
    if (!known) {
      known = newValueState(value);
      if (state.texts.size + state.numbers.size >= this.limits.maxValues) {
        state.valuesCapped = true;
        state.lastValue ??= lastOf([...state.texts.values(), ...state.numbers.values()]);
        if (!state.lastValue || !comesBefore(known, state.lastValue)) return;
        deleteValue(state, state.lastValue.value);
        state.lastValue = undefined;
      }
      setValue(state, known);
    }
    known[group]++;
  }
}

function newTally(): Tally {
  return { selection: 0, rest: 0, stamp: 0 };
}

function countOnce(tally: Tally, group: Group, stamp: number): void {
  if (tally.stamp === stamp) return;
  tally.stamp = stamp;
  tally[group]++;
}

function countsOf(tally: Tally): Counts {
  return { selection: tally.selection, rest: tally.rest };
}

function newKeyState(id: string, scope: BubbleUpScope, key: string): KeyState {
  return {
    id,
    hash: hashText(id),
    scope,
    key,
    traces: newTally(),
    occurrences: newTally(),
    unusable: newTally(),
    valuesCapped: false,
    texts: new Map(),
    numbers: new Map(),
    lastValue: undefined,
    ranges: new Map(),
  };
}

function newValueState(value: string | number): ValueState {
  const id = valueIdOf(value);
  return { id, hash: hashText(id), value, ...newTally() };
}

function setValue(state: KeyState, value: ValueState): void {
  if (typeof value.value === 'number') state.numbers.set(value.value, value);
  else state.texts.set(value.value, value);
}

function deleteValue(state: KeyState, value: string | number): void {
  if (typeof value === 'number') state.numbers.delete(value);
  else state.texts.delete(value);
}

function mergeKey(state: KeyState, data: KeyData, maxValues: number): void {
  addTally(state.traces, data.traces);
  addTally(state.occurrences, data.occurrences);
  addTally(state.unusable, data.unusable);
  if (data.valuesCapped) state.valuesCapped = true;
  for (const { value, selection, rest } of data.values) {
    let known = typeof value === 'number' ? state.numbers.get(value) : state.texts.get(value);
    if (!known) {
      known = newValueState(value);
      setValue(state, known);
    }
    addTally(known, { selection, rest });
  }
  state.lastValue = undefined;
  const { kept, cut } = keepFirst([...state.texts.values(), ...state.numbers.values()], maxValues);
  if (cut) {
    state.valuesCapped = true;
    state.texts.clear();
    state.numbers.clear();
    for (const value of kept) setValue(state, value);
  }
  for (const { range, selection, rest } of data.ranges) {
    let tally = state.ranges.get(range);
    if (!tally) {
      tally = newTally();
      state.ranges.set(range, tally);
    }
    addTally(tally, { selection, rest });
  }
}

/** The last in the fixed order: the one to let go when something earlier comes. */
function lastOf<T extends Ordered>(items: Iterable<T>): T | undefined {
  let last: T | undefined;
  for (const item of items) if (!last || comesBefore(last, item)) last = item;
  return last;
}

function addTally(into: Tally, counts: Counts): void {
  into.selection += counts.selection;
  into.rest += counts.rest;
}

/** A value's identity, hashed to choose which are kept: the text "500" and the number 500 are two. */
export function valueIdOf(value: string | number): string {
  return typeof value === 'number' ? `n${value}` : `s${value}`;
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a !== typeof b) return typeof a === 'string' ? -1 : 1;
  return typeof a === 'number' ? a - (b as number) : compareText(a, b as string);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
