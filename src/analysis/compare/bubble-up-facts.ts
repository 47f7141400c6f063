import type { Attributes, AttributeValue, Trace } from '../../model/types.js';
import { nanosToMillis } from '../../model/units.js';
import type { AnalysisOptions } from '../analyze-trace.js';
import { hashText, keepFirst } from './bubble-up-order.js';
import { matchesWhere, traceDuration } from './where-match.js';
import type { WherePredicate } from './where-predicate.js';

/**
 * Where a value was read: a span's attributes, its resource's, or what every span has
 * (`intrinsic`: `service`, the span `name`, and the trace's `duration` in milliseconds).
 * The resource's `service.name` is `intrinsic` `service`: the span's service is read from it.
 */
export const BUBBLE_UP_SCOPES = ['span', 'resource', 'intrinsic'] as const;
export type BubbleUpScope = (typeof BUBBLE_UP_SCOPES)[number];

/**
 * One thing a trace has: a key in a scope, with a value (text, or a number), or with `null`: a
 * value not compared (the trace's own trace or span id, longer than 200 characters, or one of
 * more than 32 values of the key in this trace; such a key says nothing about the trace as a
 * whole).
 */
export type BubbleUpEntry = readonly [scope: BubbleUpScope, key: string, value: string | number | null];

/** What BubbleUp keeps of one trace: plain data, worked out where the trace is read. */
export interface BubbleUpTraceFacts {
  /** The trace is in the selection (the predicate holds). */
  readonly selected: boolean;
  /** Each (scope, key, value) once, whichever spans had it. */
  readonly entries: readonly BubbleUpEntry[];
  /** The trace had more keys than an accumulator keeps: only those it may keep are entries. */
  readonly keysCapped: boolean;
}

/** Bounds on what is kept; an accumulator's limits must not exceed its facts' `maxKeys`. */
export interface BubbleUpLimits {
  /** Distinct (scope, key) pairs kept across all traces. */
  readonly maxKeys: number;
  /** Distinct values kept per key across all traces. */
  readonly maxValues: number;
}

export const BUBBLE_UP_LIMITS: BubbleUpLimits = { maxKeys: 400, maxValues: 200 };

/** A value longer than this is a document (a statement, a stack trace), not a property. */
export const MAX_VALUE_LENGTH = 200;
/** More distinct values of one key in one trace than this: not a property of the trace. */
export const MAX_VALUES_IN_TRACE = 32;

/** The identity of a (scope, key) pair, hashed to choose which keys are kept. */
export function keyIdOf(scope: BubbleUpScope, key: string): string {
  return `${scope}\u0000${key}`;
}

/** A trace's facts: whether the predicate holds, and what it has. */
export function bubbleUpFactsOf(
  trace: Trace,
  predicate: WherePredicate,
  options: AnalysisOptions = { limits: [] },
  limits: BubbleUpLimits = BUBBLE_UP_LIMITS,
): BubbleUpTraceFacts {
  return { selected: matchesWhere(trace, predicate, options), ...traceEntriesOf(trace, limits) };
}

interface KeyValues {
  readonly scope: BubbleUpScope;
  readonly key: string;
  /** The first value; a set is made only for a second (most keys hold one value per trace). */
  first: string | number | undefined;
  more: Set<string | number> | undefined;
  /** A value was not compared (see BubbleUpEntry). */
  unusable: boolean;
  /** More than MAX_VALUES_IN_TRACE values: the values were let go. */
  tooMany: boolean;
}

/**
 * What a trace has: each span's service, name and attributes, each resource's attributes once
 * (spans of one resource share the object), and the trace's duration. Independent of the order
 * of the spans but for the order of the entries.
 */
export function traceEntriesOf(
  trace: Trace,
  limits: BubbleUpLimits = BUBBLE_UP_LIMITS,
): Pick<BubbleUpTraceFacts, 'entries' | 'keysCapped'> {
  const keys = new TraceKeys(trace);
  const resources = new Set<Attributes>();
  for (const span of trace.spans) {
    keys.add(keys.intrinsic, 'intrinsic', 'service', span.service);
    keys.add(keys.intrinsic, 'intrinsic', 'name', span.name);
    for (const key in span.attributes) keys.add(keys.span, 'span', key, span.attributes[key]);
    if (resources.has(span.resource)) continue;
    resources.add(span.resource);
    for (const key in span.resource)
      if (key !== 'service.name') keys.add(keys.resource, 'resource', key, span.resource[key]);
  }
  if (trace.spans.length > 0)
    keys.add(keys.intrinsic, 'intrinsic', 'duration', nanosToMillis(traceDuration(trace)));

  let all = [...keys.intrinsic.values(), ...keys.span.values(), ...keys.resource.values()];
  const keysCapped = all.length > limits.maxKeys;
  if (keysCapped) {
    const ordered = all.map((values) => ({ id: keyIdOf(values.scope, values.key), hash: 0, values }));
    for (const item of ordered) item.hash = hashText(item.id);
    all = keepFirst(ordered, limits.maxKeys).kept.map((item) => item.values);
  }
  const entries: BubbleUpEntry[] = [];
  for (const k of all) {
    if (k.first !== undefined) entries.push([k.scope, k.key, k.first]);
    if (k.more) for (const value of k.more) entries.push([k.scope, k.key, value]);
    if (k.unusable || k.tooMany) entries.push([k.scope, k.key, null]);
  }
  return { entries, keysCapped };
}

/** The keys of one trace and their values, a map per scope (no key string built to look one up). */
class TraceKeys {
  readonly intrinsic = new Map<string, KeyValues>();
  readonly span = new Map<string, KeyValues>();
  readonly resource = new Map<string, KeyValues>();
  private readonly trace: Trace;
  private ownIds: Set<string> | undefined;

  constructor(trace: Trace) {
    this.trace = trace;
  }

  add(map: Map<string, KeyValues>, scope: BubbleUpScope, key: string, raw: AttributeValue | undefined): void {
    if (raw === undefined || raw === null) return;
    let entry = map.get(key);
    if (!entry) {
      entry = { scope, key, first: undefined, more: undefined, unusable: false, tooMany: false };
      map.set(key, entry);
    }
    if (entry.tooMany) return;
    const value = comparableValue(raw, (text) => this.isOwnId(text));
    if (value === null) entry.unusable = true;
    else if (entry.first === undefined) entry.first = value;
    else if (value !== entry.first) {
      entry.more ??= new Set();
      entry.more.add(value);
      if (entry.more.size + 1 > MAX_VALUES_IN_TRACE) {
        entry.tooMany = true;
        entry.first = undefined;
        entry.more = undefined;
      }
    }
  }

  /** The trace's id or one of its span ids (any case): only 16 or 32 characters are looked up. */
  private isOwnId(text: string): boolean {
    if (text.length !== 16 && text.length !== 32) return false;
    if (!this.ownIds) {
      this.ownIds = new Set([this.trace.traceId.toLowerCase()]);
      for (const span of this.trace.spans) this.ownIds.add(span.spanId.toLowerCase());
    }
    return this.ownIds.has(text.toLowerCase());
  }
}

/** A value as compared across traces: text (booleans, small arrays and maps as JSON), a number, or null. */
function comparableValue(value: AttributeValue, isOwnId: (text: string) => boolean): string | number | null {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return String(value);
    case 'string':
      return value.length > MAX_VALUE_LENGTH || isOwnId(value) ? null : value;
    default: {
      const text = JSON.stringify(value);
      return text.length > MAX_VALUE_LENGTH ? null : text;
    }
  }
}
