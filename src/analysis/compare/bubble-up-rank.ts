import type { BubbleUpData, Counts, KeyData } from './bubble-up-data.js';
import type { BubbleUpScope } from './bubble-up-facts.js';
import { boundsOf } from './bubble-up-ranges.js';
import { fisherExactTest } from './bubble-up-stats.js';
import type { WherePredicate } from './where-predicate.js';

/** What a row compares: a text, a number, a range of numbers, or the key being absent. */
export type BubbleUpValue =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'number'; readonly number: number }
  /** `from` ≤ x < `to` (`from` < x ≤ `to` below zero); null where open (bubble-up-ranges.ts). */
  | { readonly kind: 'range'; readonly from: number | null; readonly to: number | null }
  | { readonly kind: 'missing' };

export interface GroupShare {
  /** Traces of the group with the value. */
  readonly traces: number;
  /** Of the group's traces, 0 to 1. */
  readonly share: number;
}

/** "92% of the selection has k8s.pod.name=order-7f9c, against 8% of the rest." */
export interface BubbleUpRow {
  readonly scope: BubbleUpScope;
  readonly key: string;
  readonly value: BubbleUpValue;
  readonly selection: GroupShare;
  readonly rest: GroupShare;
  /** selection.share − rest.share: positive where the selection has it more. */
  readonly difference: number;
  /** Fisher's exact test, two-sided, before the correction for the number of rows tested. */
  readonly pValue: number;
}

/** A key whose values could not all be compared, for a note under the rows. */
export interface HighCardinalityKey {
  readonly scope: BubbleUpScope;
  readonly key: string;
  /** Traces with the key, both groups. */
  readonly traces: number;
  /**
   * `many-values`: more distinct values than are kept (a sample of them was compared);
   * `unique-values`: its values hardly repeat (ids); `unusable-values`: some traces hold a
   * value not compared (their own ids, too long, too many in one trace).
   */
  readonly reason: 'many-values' | 'unique-values' | 'unusable-values';
  /** (trace, value) pairs of values not kept, the overflow of `many-values`; else zero. */
  readonly valuesNotKept: Counts;
}

export interface BubbleUpResult {
  readonly selection: { readonly traces: number };
  readonly rest: { readonly traces: number };
  /** Rows seen often enough to be tested: the Bonferroni correction's count. */
  readonly tested: number;
  /** Values the selection has more than the rest, largest difference first. */
  readonly moreInSelection: readonly BubbleUpRow[];
  /** Values the rest has more than the selection, largest difference first. */
  readonly moreInRest: readonly BubbleUpRow[];
  readonly highCardinality: readonly HighCardinalityKey[];
  /** Not every key could be counted (BubbleUpData.keysCapped). */
  readonly keysCapped: boolean;
}

export interface KeyRef {
  readonly scope: BubbleUpScope;
  readonly key: string;
}

/**
 * A row is reported when the group that has the value more has it in at least MIN_TRACES traces,
 * the shares differ by at least MIN_DIFFERENCE, and Fisher's p-value times the number of rows
 * tested is at most ALPHA (Bonferroni: where the selection is independent of every value, at
 * most one run in a thousand reports anything; an incident's culprit has p-values far below).
 */
export const MIN_TRACES = 3;
export const MIN_DIFFERENCE = 0.05;
export const ALPHA = 0.001;
/** A numeric key with at most this many distinct values is compared value by value; else by range. */
export const EXACT_NUMBERS = 12;
/** A key with at least this many values, nearly all (UNIQUE_SHARE) in one trace each, holds ids. */
const UNIQUE_MIN_VALUES = 10;
const UNIQUE_SHARE = 0.9;

/**
 * Ranks what the selection and the rest have, best first. `exclude`: keys not to rank, those the
 * predicate itself tests (predicateKeys), which differ by construction.
 */
export function rankBubbleUp(data: BubbleUpData, exclude: readonly KeyRef[] = []): BubbleUpResult {
  const { traces } = data;
  const excluded = new Set(exclude.map((ref) => `${ref.scope}\u0000${ref.key}`));
  const candidates: Candidate[] = [];
  const highCardinality: HighCardinalityKey[] = [];
  for (const key of data.keys) {
    const note = noteOf(key);
    if (note) highCardinality.push(note);
    if (excluded.has(`${key.scope}\u0000${key.key}`)) continue;
    if (traces.selection > 0 && traces.rest > 0) candidates.push(...candidatesOf(key, traces));
  }
  const tested = candidates.filter((c) => isTestable(c, traces));
  const rows: BubbleUpRow[] = [];
  for (const candidate of tested) {
    // The test is run only where the difference is worth reporting.
    const difference = candidate.selection / traces.selection - candidate.rest / traces.rest;
    if (Math.abs(difference) < MIN_DIFFERENCE) continue;
    const row = rowOf(candidate, traces);
    if (row.pValue * tested.length <= ALPHA) rows.push(row);
  }
  const byDifference = (a: BubbleUpRow, b: BubbleUpRow) =>
    Math.abs(b.difference) - Math.abs(a.difference) || a.pValue - b.pValue || compareRows(a, b);
  return {
    selection: { traces: traces.selection },
    rest: { traces: traces.rest },
    tested: tested.length,
    moreInSelection: rows.filter((r) => r.difference > 0).sort(byDifference),
    moreInRest: rows.filter((r) => r.difference < 0).sort(byDifference),
    highCardinality,
    keysCapped: data.keysCapped,
  };
}

interface Candidate extends Counts {
  readonly key: KeyData;
  readonly value: BubbleUpValue;
}

function candidatesOf(key: KeyData, traces: Counts): Candidate[] {
  const out: Candidate[] = [];
  const numbers = key.values.filter((v) => typeof v.value === 'number');
  const byRange = key.valuesCapped || numbers.length > EXACT_NUMBERS;
  for (const { value, selection, rest } of key.values) {
    if (typeof value === 'string') out.push({ key, value: { kind: 'text', text: value }, selection, rest });
    else if (!byRange) out.push({ key, value: { kind: 'number', number: value }, selection, rest });
  }
  if (byRange)
    for (const { range, selection, rest } of key.ranges)
      out.push({ key, value: rangeValue(range), selection, rest });
  // Every span has a service and a name, every trace a duration: never missing.
  if (key.scope !== 'intrinsic')
    out.push({
      key,
      value: { kind: 'missing' },
      selection: traces.selection - key.traces.selection,
      rest: traces.rest - key.traces.rest,
    });
  return out;
}

function rangeValue(range: number): BubbleUpValue {
  const { from, to } = boundsOf(range);
  return range === 0 ? { kind: 'number', number: 0 } : { kind: 'range', from, to };
}

/** The group that has the value more (by share) has it in at least MIN_TRACES traces. */
function isTestable(candidate: Candidate, traces: Counts): boolean {
  const moreInSelection = candidate.selection * traces.rest >= candidate.rest * traces.selection;
  return (moreInSelection ? candidate.selection : candidate.rest) >= MIN_TRACES;
}

function rowOf(candidate: Candidate, traces: Counts): BubbleUpRow {
  const { key, value, selection, rest } = candidate;
  const selectionShare = selection / traces.selection;
  const restShare = rest / traces.rest;
  return {
    scope: key.scope,
    key: key.key,
    value,
    selection: { traces: selection, share: selectionShare },
    rest: { traces: rest, share: restShare },
    difference: selectionShare - restShare,
    pValue: fisherExactTest(selection, traces.selection - selection, rest, traces.rest - rest),
  };
}

function noteOf(key: KeyData): HighCardinalityKey | undefined {
  const traces = key.traces.selection + key.traces.rest;
  const reason = key.valuesCapped
    ? 'many-values'
    : isMostlyUnique(key)
      ? 'unique-values'
      : key.unusable.selection + key.unusable.rest > 0
        ? 'unusable-values'
        : undefined;
  if (!reason) return undefined;
  const kept = (group: keyof Counts) => key.values.reduce((sum, value) => sum + value[group], 0);
  const valuesNotKept = {
    selection: key.occurrences.selection - kept('selection'),
    rest: key.occurrences.rest - kept('rest'),
  };
  return { scope: key.scope, key: key.key, traces, reason, valuesNotKept };
}

function isMostlyUnique(key: KeyData): boolean {
  if (key.values.length < UNIQUE_MIN_VALUES) return false;
  const once = key.values.filter((v) => v.selection + v.rest === 1).length;
  return once >= key.values.length * UNIQUE_SHARE;
}

/** Ties in a fixed order: scope, key, then the value as text. */
function compareRows(a: BubbleUpRow, b: BubbleUpRow): number {
  const textA = `${a.scope}\u0000${a.key}\u0000${JSON.stringify(a.value)}`;
  const textB = `${b.scope}\u0000${b.key}\u0000${JSON.stringify(b.value)}`;
  return textA < textB ? -1 : textA > textB ? 1 : 0;
}

/**
 * The keys a predicate tests, which differ between the groups by construction: `service=X` makes
 * every selected trace have service X. An attribute looked up anywhere names both scopes.
 */
export function predicateKeys(predicate: WherePredicate): KeyRef[] {
  const refs: KeyRef[] = [];
  for (const { test } of predicate.clauses) {
    switch (test.kind) {
      case 'failed':
        break;
      case 'duration':
        refs.push({ scope: 'intrinsic', key: 'duration' });
        break;
      case 'field':
        if (test.field === 'service' || test.field === 'name')
          refs.push({ scope: 'intrinsic', key: test.field });
        else refs.push({ scope: 'span', key: test.field });
        break;
      default:
        if (test.scope !== 'resource') refs.push({ scope: 'span', key: test.key });
        if (test.scope !== 'span') refs.push({ scope: 'resource', key: test.key });
        // The resource's service.name is counted as the intrinsic service (bubble-up-facts.ts).
        if (test.scope !== 'span' && test.key === 'service.name')
          refs.push({ scope: 'intrinsic', key: 'service' });
    }
  }
  return refs;
}
