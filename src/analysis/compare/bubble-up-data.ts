import type { BubbleUpLimits, BubbleUpScope } from './bubble-up-facts.js';

/** What a BubbleUpAccumulator counted, as plain data (bubble-up.ts says how). */
export interface Counts {
  readonly selection: number;
  readonly rest: number;
}

export interface BubbleUpData {
  readonly limits: BubbleUpLimits;
  /** Traces in each group. */
  readonly traces: Counts;
  /** More keys were seen than are kept. */
  readonly keysCapped: boolean;
  /** Ordered by scope, then key. */
  readonly keys: readonly KeyData[];
}

export interface KeyData {
  readonly scope: BubbleUpScope;
  readonly key: string;
  /** Traces that have the key. */
  readonly traces: Counts;
  /** (trace, value) pairs with a value compared: the values kept and those not. */
  readonly occurrences: Counts;
  /** Traces with a value not compared (an id of their own, too long, too many in the trace). */
  readonly unusable: Counts;
  /** More values were seen than are kept. */
  readonly valuesCapped: boolean;
  /** Traces with each value kept; texts before numbers, each in order. */
  readonly values: readonly ValueData[];
  /** Traces with a number in each range (bubble-up-ranges.ts), in order. */
  readonly ranges: readonly RangeData[];
}

export interface ValueData extends Counts {
  readonly value: string | number;
}

export interface RangeData extends Counts {
  readonly range: number;
}
