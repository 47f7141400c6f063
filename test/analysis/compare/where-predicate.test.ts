import { describe, expect, it } from 'vitest';
import { parseWhere, type WhereClause } from '../../../src/analysis/compare/where-predicate.js';
import { EXIT, UsageError } from '../../../src/errors.js';
import { ms } from '../../helpers/make-span.js';

const clausesOf = (text: string): readonly WhereClause[] => parseWhere(text).clauses;
const only = (text: string) => {
  const clauses = clausesOf(text);
  expect(clauses).toHaveLength(1);
  return clauses[0]!;
};

function refusal(text: string): UsageError {
  try {
    parseWhere(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
}

describe('parseWhere: the forms it accepts', () => {
  it('error: the trace failed', () => {
    expect(only('error')).toEqual({ negated: false, test: { kind: 'failed' } });
    expect(only('not error')).toEqual({ negated: true, test: { kind: 'failed' } });
    expect(only('NOT error').negated).toBe(true);
  });

  it('duration with each comparison, in the duration grammar, spaces allowed around the operator', () => {
    expect(only('duration>1s').test).toEqual({ kind: 'duration', op: '>', limit: ms(1000) });
    expect(only('duration>=250ms').test).toEqual({ kind: 'duration', op: '>=', limit: ms(250) });
    expect(only('duration<1m30s').test).toEqual({ kind: 'duration', op: '<', limit: ms(90_000) });
    expect(only('duration <= 1.5s').test).toEqual({ kind: 'duration', op: '<=', limit: ms(1500) });
  });

  it('service, name and operation as span fields', () => {
    expect(only('service=checkout').test).toEqual({
      kind: 'field',
      field: 'service',
      op: '=',
      value: 'checkout',
    });
    expect(only('service!=checkout').test).toMatchObject({ field: 'service', op: '!=' });
    expect(only('name="GET /orders"').test).toEqual({
      kind: 'field',
      field: 'name',
      op: '=',
      value: 'GET /orders',
    });
    expect(only('operation=charge').test).toEqual({ kind: 'field', field: 'name', op: '=', value: 'charge' });
  });

  it('the Jaeger tags error, span.kind and otel.status_code, case-insensitive as --tag reads them', () => {
    expect(only('error=TRUE').test).toEqual({ kind: 'field', field: 'error', op: '=', value: 'true' });
    expect(only('span.kind=Client').test).toEqual({
      kind: 'field',
      field: 'span.kind',
      op: '=',
      value: 'client',
    });
    expect(only('otel.status_code!=ERROR').test).toEqual({
      kind: 'field',
      field: 'otel.status_code',
      op: '!=',
      value: 'error',
    });
  });

  it('attributes: equal, not equal, present, compared as numbers; span. and resource. narrow the lookup', () => {
    expect(only('k8s.pod.name=order-7f9c').test).toEqual({
      kind: 'equals',
      scope: 'any',
      key: 'k8s.pod.name',
      op: '=',
      value: 'order-7f9c',
    });
    expect(only('resource.region!=eu').test).toEqual({
      kind: 'equals',
      scope: 'resource',
      key: 'region',
      op: '!=',
      value: 'eu',
    });
    expect(only('span.http.route').test).toEqual({ kind: 'has', scope: 'span', key: 'http.route' });
    expect(only('retry').test).toEqual({ kind: 'has', scope: 'any', key: 'retry' });
    expect(only('http.status_code>=500').test).toEqual({
      kind: 'compare',
      scope: 'any',
      key: 'http.status_code',
      op: '>=',
      value: 500,
    });
    expect(only('queue.depth<-1.5e3').test).toMatchObject({ op: '<', value: -1500 });
    expect(only('span.span.kind=x').test).toMatchObject({ kind: 'equals', scope: 'span', key: 'span.kind' });
    expect(only('constructor=x').test).toMatchObject({ kind: 'equals', scope: 'any', key: 'constructor' });
    expect(only('toString').test).toEqual({ kind: 'has', scope: 'any', key: 'toString' });
  });

  it('a value runs to the next space, or is a quoted JSON string', () => {
    expect(only('http.url=https://a.example/b?c=d&e=f').test).toMatchObject({
      value: 'https://a.example/b?c=d&e=f',
    });
    expect(only('http.route="/a and b"').test).toMatchObject({ value: '/a and b' });
    expect(only('msg="say \\"hi\\""').test).toMatchObject({ value: 'say "hi"' });
    expect(only('empty=""').test).toMatchObject({ kind: 'equals', value: '' });
  });

  it('joins conditions with and (any case), each maybe negated, and keeps the text', () => {
    const predicate = parseWhere('error AND service=a and not region=eu');
    expect(predicate.text).toBe('error AND service=a and not region=eu');
    expect(predicate.clauses.map((c) => [c.negated, c.test.kind])).toEqual([
      [false, 'failed'],
      [false, 'field'],
      [true, 'equals'],
    ]);
  });
});

describe('parseWhere: what it refuses, in one line saying what and what is accepted', () => {
  const cases: [text: string, says: string][] = [
    ['', 'no condition'],
    ['   ', 'no condition'],
    ['and error', '"and" right after the start'],
    ['error and', 'nothing after "and"'],
    ['error and and region=eu', '"and" right after "and"'],
    ['not', 'nothing after "not"'],
    ['not not error', '"not" right after "not"'],
    ['error or region=eu', '"or" at character 7: conditions are joined with "and" only'],
    ['error && region=eu', 'joined with "and" only'],
    ['region=eu error', '"error" at character 11: expected "and" between conditions'],
    ['region=', 'no value after "="'],
    ['region==eu', '"==" at character 7'],
    ['!error', '"!" at character 1'],
    ['=eu', '"=" with no key before it'],
    ['region="eu', 'has no closing quote'],
    ['region="e\\u"', 'is not a valid JSON string'],
    ['region="eu"x', '"x" right after the quoted value'],
    ['"region"=eu', 'a quoted word at character 1 where a key was expected'],
    ['duration', 'duration needs >, >=, < or <= and a duration'],
    ['duration=1s', 'duration needs >'],
    ['duration>fast', '"fast" is not a duration'],
    ['duration>5', '"5" is not a duration'],
    ['service', 'service takes = or != and a value'],
    ['name>3', 'name takes = or !='],
    ['error>1', 'error takes = or !='],
    ['span.kind=sideways', 'span.kind is one of internal, server, client, producer, consumer'],
    ['otel.status_code=bad', 'otel.status_code is one of unset, ok, error'],
    ['error=maybe', 'error is one of true, false'],
    ['http.status_code>five', '"five" is not a number'],
    ['span.=x', 'no attribute key after "span."'],
    ['resource.', 'no attribute key after "resource."'],
  ];

  it.each(cases)('%j: %s', (text, says) => {
    const error = refusal(text);
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message.startsWith(`--where ${JSON.stringify(text)}: `)).toBe(true);
    expect(error.message).toContain(says);
    expect(error.hint).toBeTruthy();
    expect(`${error.message} ${error.hint}`).not.toMatch(/\n/);
  });

  it('names the condition at fault where there are several', () => {
    expect(refusal('error and duration>fast').message).toBe(
      '--where "error and duration>fast": "duration>fast": "fast" is not a duration',
    );
    expect(refusal('duration>fast').message).toBe('--where "duration>fast": "fast" is not a duration');
  });

  it('names the option it was given', () => {
    expect(() => parseWhere('', '--baseline')).toThrow(/^--baseline "": no condition$/);
  });

  it('hints at what is accepted', () => {
    expect(refusal('').hint).toContain('duration>1s');
    expect(refusal('duration>fast').hint).toContain('250ms');
    expect(refusal('http.status_code>five').hint).toContain('http.status_code=five');
  });
});
