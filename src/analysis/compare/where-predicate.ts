import { DURATION, DURATION_EXAMPLES, parseDuration } from '../../model/duration.js';
import type { Nanos } from '../../model/types.js';
import { SPAN_KINDS } from '../../model/types.js';
import { refuseWhere, tokenizeWhere, type WhereOp, type WhereToken } from './where-lexer.js';

/**
 * `otrace compare --where <predicate>`: which traces are the selection, as data (plain, so that it
 * crosses to worker threads). Conditions, joined with ` and `, each maybe after `not`:
 *
 *   error                      the trace failed as `show` judges it: an unrecovered error or timeout
 *   duration>1s (>= < <=)      the root span's duration (the trace's extent when it has no root),
 *                              in the one duration grammar (model/duration.ts)
 *   service=X, service!=X      a span of service X (of another service)
 *   name=X, operation=X        a span named X
 *   key=value, key!=value      a span with the attribute at that value (at another value)
 *   key>N (>= < <=)            a span with the attribute, a number, past N
 *   key                        a span with the attribute at all
 *
 * Attribute keys are looked up in the span's attributes, then its resource's; `span.` or
 * `resource.` before a key looks in that one alone (`resource.region=eu`). As in `--tag` (and
 * Jaeger), `error=true|false`, `span.kind=client` and `otel.status_code=error` read the span
 * itself: `error=true` is any failing span, recovered ones too, where `error` alone is the
 * trace's verdict. Each condition is met by a span of its own, not necessarily the same one.
 */
export interface WherePredicate {
  /** As written, for titles. */
  readonly text: string;
  readonly clauses: readonly WhereClause[];
}

export interface WhereClause {
  readonly negated: boolean;
  readonly test: WhereTest;
}

/** Where an attribute key is looked up: span, then resource (`any`), or one of them. */
export type AttributeScope = 'any' | 'span' | 'resource';
export type NumberOp = Exclude<WhereOp, '=' | '!='>;
export type EqualityOp = Extract<WhereOp, '=' | '!='>;

/** What a span carries outside its attributes, read as `--tag` reads them (match-query.ts). */
export const SPAN_FIELDS = ['service', 'name', 'span.kind', 'otel.status_code', 'error'] as const;
export type SpanField = (typeof SPAN_FIELDS)[number];

export type WhereTest =
  | { readonly kind: 'failed' }
  | { readonly kind: 'duration'; readonly op: NumberOp; readonly limit: Nanos }
  | { readonly kind: 'field'; readonly field: SpanField; readonly op: EqualityOp; readonly value: string }
  | { readonly kind: 'has'; readonly scope: AttributeScope; readonly key: string }
  | {
      readonly kind: 'equals';
      readonly scope: AttributeScope;
      readonly key: string;
      readonly op: EqualityOp;
      readonly value: string;
    }
  | {
      readonly kind: 'compare';
      readonly scope: AttributeScope;
      readonly key: string;
      readonly op: NumberOp;
      readonly value: number;
    };

const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;
const STATUS_CODES = ['unset', 'ok', 'error'] as const;
/** A map, not an object: `constructor=x` is an attribute, not something an object inherits. */
const FIELD_OF: ReadonlyMap<string, SpanField> = new Map([
  ['service', 'service'],
  ['name', 'name'],
  ['operation', 'name'],
  ['span.kind', 'span.kind'],
  ['otel.status_code', 'otel.status_code'],
  ['error', 'error'],
]);

/** Parses a predicate, refusing anything else in one line that says what it accepts. */
export function parseWhere(text: string, option = '--where'): WherePredicate {
  const tokens = tokenizeWhere(text, option);
  if (tokens.length === 0) refuseWhere(option, text, 'no condition');
  const clauses: WhereClause[] = [];
  let i = 0;
  // Each pass takes one clause and the "and" after it: at least one token.
  while (i < tokens.length) {
    const negated = isKeyword(tokens[i], 'not');
    if (negated) i++;
    const key = tokens[i];
    const after = negated ? '"not"' : i === 0 ? 'the start' : '"and"';
    if (key === undefined) refuseWhere(option, text, `nothing after ${after}`);
    if (key.type !== 'word')
      refuseWhere(option, text, `"${key.type === 'op' ? key.op : key.text}" with no key before it`);
    if (isKeyword(key, 'and') || isKeyword(key, 'not'))
      refuseWhere(option, text, `"${key.text}" right after ${after}`);
    const op =
      tokens[i + 1]?.type === 'op' ? (tokens[i + 1] as Extract<WhereToken, { type: 'op' }>) : undefined;
    const value = op ? (tokens[i + 2] as Extract<WhereToken, { type: 'value' }>) : undefined;
    clauses.push({ negated, test: parseTest(key.text, op?.op, value?.text, { option, text }) });
    i += op ? 3 : 1;
    if (i >= tokens.length) break;
    const next = tokens[i]!;
    if (!isKeyword(next, 'and')) refuseJoin(option, text, next);
    i++;
    if (i >= tokens.length) refuseWhere(option, text, 'nothing after "and"');
  }
  return { text, clauses };
}

interface Place {
  readonly option: string;
  readonly text: string;
}

function parseTest(key: string, op: WhereOp | undefined, value: string | undefined, at: Place): WhereTest {
  // Which condition, where there are several: "duration>fast": …
  const clause = op === undefined ? key : `${key}${op}${value}`;
  const which = clause === at.text.trim() ? '' : `"${clause}": `;
  if (key === 'error' && op === undefined) return { kind: 'failed' };
  if (key === 'duration') return parseDurationTest(which, op, value, at);
  const field = FIELD_OF.get(key);
  if (field !== undefined) return parseFieldTest(field, key, which, op, value, at);
  const { scope, name } = scopeOf(key, at);
  if (op === undefined || value === undefined) return { kind: 'has', scope, key: name };
  if (op === '=' || op === '!=') return { kind: 'equals', scope, key: name, op, value };
  if (!NUMBER.test(value))
    refuseWhere(
      at.option,
      at.text,
      `${which}"${value}" is not a number`,
      `${op} compares numbers, as in http.response.status_code>=500; write ${key}=${value} to compare text`,
    );
  return { kind: 'compare', scope, key: name, op, value: Number(value) };
}

function parseDurationTest(
  which: string,
  op: WhereOp | undefined,
  value: string | undefined,
  at: Place,
): WhereTest {
  if (op === undefined || op === '=' || op === '!=' || value === undefined)
    refuseWhere(
      at.option,
      at.text,
      `${which}duration needs >, >=, < or <= and a duration`,
      'write duration>1s or duration<=250ms; span.duration looks up an attribute named duration',
    );
  if (!DURATION.test(value))
    refuseWhere(
      at.option,
      at.text,
      `${which}"${value}" is not a duration`,
      `write it like ${DURATION_EXAMPLES}`,
    );
  return { kind: 'duration', op, limit: parseDuration(value, at.option) };
}

function parseFieldTest(
  field: SpanField,
  key: string,
  which: string,
  op: WhereOp | undefined,
  value: string | undefined,
  at: Place,
): WhereTest {
  if (op !== '=' && op !== '!=')
    refuseWhere(
      at.option,
      at.text,
      `${which}${key} takes = or != and a value`,
      field === 'error'
        ? 'write error alone for the traces that failed, error=true for a failing span (recovered ones too)'
        : `write ${key}=${FIELD_EXAMPLES[field]}; span.${key} looks up an attribute named ${key}`,
    );
  const allowed = allowedValues(field);
  const wanted = allowed ? value!.toLowerCase() : value!;
  if (allowed && !allowed.includes(wanted))
    refuseWhere(
      at.option,
      at.text,
      `${which}${key} is one of ${allowed.join(', ')}`,
      `write ${key}=${FIELD_EXAMPLES[field]}`,
    );
  return { kind: 'field', field, op, value: wanted };
}

function allowedValues(field: SpanField): readonly string[] | undefined {
  switch (field) {
    case 'span.kind':
      return SPAN_KINDS;
    case 'otel.status_code':
      return STATUS_CODES;
    case 'error':
      return ['true', 'false'];
    default:
      return undefined;
  }
}

const FIELD_EXAMPLES = {
  service: 'checkout',
  name: '"GET /orders"',
  'span.kind': 'client',
  'otel.status_code': 'error',
  error: 'true',
} as const satisfies Record<SpanField, string>;

function scopeOf(key: string, at: Place): { scope: AttributeScope; name: string } {
  for (const scope of ['span', 'resource'] as const) {
    if (!key.startsWith(`${scope}.`)) continue;
    const name = key.slice(scope.length + 1);
    if (name === '')
      refuseWhere(at.option, at.text, `no attribute key after "${key}"`, `write ${scope}.region=eu`);
    return { scope, name };
  }
  return { scope: 'any', name: key };
}

function isKeyword(token: WhereToken | undefined, word: 'and' | 'not'): boolean {
  return token?.type === 'word' && token.text.toLowerCase() === word;
}

function refuseJoin(option: string, text: string, next: WhereToken): never {
  const word = next.type === 'op' ? next.op : next.text;
  if (next.type === 'word' && /^(or|\|\||&&|\(|\))$/i.test(word))
    refuseWhere(
      option,
      text,
      `"${word}" at character ${next.at + 1}: conditions are joined with "and" only`,
      'for either of two values, compare twice, or use a key alone (k8s.pod.name) to ask whether it is set',
    );
  refuseWhere(option, text, `"${word}" at character ${next.at + 1}: expected "and" between conditions`);
}
