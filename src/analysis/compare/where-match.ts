import type { Attributes, AttributeValue, Nanos, Span, Trace } from '../../model/types.js';
import { nanos, spanDuration } from '../../model/units.js';
import { type AnalysisOptions, analyzeFailures } from '../analyze-trace.js';
import { detectError } from '../span-errors.js';
import { mayHaveFailures } from '../span-facts.js';
import type { AttributeScope, NumberOp, WhereClause, WherePredicate, WhereTest } from './where-predicate.js';

const NO_LIMITS: AnalysisOptions = { limits: [] };

/**
 * Whether a trace is in the selection: every clause holds (a `not` clause does not). Each clause
 * is met by some span of its own, as one `--tag` is (match-query.ts). `error` is judged with the
 * `--timeout` limits given, as `show` judges it; it is checked last, as it may build the tree.
 */
export function matchesWhere(
  trace: Trace,
  predicate: WherePredicate,
  options: AnalysisOptions = NO_LIMITS,
): boolean {
  const holdsAsWritten = (clause: WhereClause) => holds(trace, clause.test, options) !== clause.negated;
  const cheap = predicate.clauses.filter((clause) => clause.test.kind !== 'failed');
  const costly = predicate.clauses.filter((clause) => clause.test.kind === 'failed');
  return cheap.every(holdsAsWritten) && costly.every(holdsAsWritten);
}

function holds(trace: Trace, test: WhereTest, options: AnalysisOptions): boolean {
  switch (test.kind) {
    case 'failed':
      return hasUnrecoveredFailure(trace, options);
    case 'duration':
      return compareNumbers<bigint>(traceDuration(trace), test.op, test.limit);
    default:
      return trace.spans.some((span) => spanHolds(span, test));
  }
}

/**
 * The trace failed as `show` judges it (it exits 1): an origin of failure, or a timeout, that no
 * ancestor recovered (diagnose.ts). A trace in which no span can fail builds no tree.
 */
export function hasUnrecoveredFailure(trace: Trace, options: AnalysisOptions = NO_LIMITS): boolean {
  if (!mayHaveFailures(trace.spans, options)) return false;
  const { facts } = analyzeFailures(trace, options);
  return facts.some((f) => f.role === 'origin' && f.recoveredBy === undefined);
}

/**
 * How long the request took: its root span's duration (the earliest root; ties by span id, so
 * that the order of spans does not matter), else, with no root in the data, the trace's extent.
 */
export function traceDuration(trace: Trace): Nanos {
  let root: Span | undefined;
  let start = trace.spans[0]?.start ?? nanos(0n);
  let end = trace.spans[0]?.end ?? nanos(0n);
  for (const span of trace.spans) {
    if (span.start < start) start = span.start;
    if (span.end > end) end = span.end;
    if (span.parentSpanId !== undefined) continue;
    if (!root || span.start < root.start || (span.start === root.start && span.spanId < root.spanId))
      root = span;
  }
  return root ? spanDuration(root) : spanDuration({ start, end });
}

type SpanTest = Exclude<WhereTest, { kind: 'failed' } | { kind: 'duration' }>;

function spanHolds(span: Span, test: SpanTest): boolean {
  if (test.kind === 'field') {
    const actual = fieldOf(span, test.field);
    return (actual === test.value) === (test.op === '=');
  }
  const values = lookUp(span, test.scope, test.key);
  for (const value of values) {
    if (value === undefined || value === null) continue;
    if (test.kind === 'has') return true;
    if (test.kind === 'equals') {
      const text = textOf(value);
      if (text !== undefined && (text === test.value) === (test.op === '=')) return true;
      continue;
    }
    const number = numberOf(value);
    if (number !== undefined && compareNumbers(number, test.op, test.value)) return true;
  }
  return false;
}

function fieldOf(span: Span, field: Extract<SpanTest, { kind: 'field' }>['field']): string {
  switch (field) {
    case 'service':
      return span.service;
    case 'name':
      return span.name;
    case 'span.kind':
      return span.kind;
    case 'otel.status_code':
      return span.status.code;
    case 'error':
      return String(detectError(span) !== undefined);
  }
}

function lookUp(span: Span, scope: AttributeScope, key: string): readonly (AttributeValue | undefined)[] {
  switch (scope) {
    case 'span':
      return [ownValue(span.attributes, key)];
    case 'resource':
      return [ownValue(span.resource, key)];
    case 'any':
      return [ownValue(span.attributes, key), ownValue(span.resource, key)];
  }
}

/** The attribute itself: `constructor` is not what every object inherits. */
function ownValue(attributes: Attributes, key: string): AttributeValue | undefined {
  return Object.hasOwn(attributes, key) ? attributes[key] : undefined;
}

/** Scalars as text, as `--tag` compares them: 500 and "500" alike, true as "true". */
function textOf(value: AttributeValue): string | undefined {
  return typeof value === 'object' ? undefined : String(value);
}

/** Numbers, and strings that hold one (Envoy writes `http.status_code: "500"`). */
function numberOf(value: AttributeValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function compareNumbers<T extends number | bigint>(actual: T, op: NumberOp, limit: T): boolean {
  switch (op) {
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
  }
}
