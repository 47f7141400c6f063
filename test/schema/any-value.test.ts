import { describe, expect, it } from 'vitest';
import { decodeAnyValue, decodeAttributes } from '../../src/schema/any-value.js';
import type { DecodeContext, PathPart } from '../../src/schema/decode-context.js';
import { inputErrorOf } from '../helpers/collect.js';

const CTX: DecodeContext = { file: 'f.json', line: 3, warn: () => {} };
const AT = (): PathPart[] => ['spans', 0, 'attributes', 2, 'value'];
const value = (v: unknown) => decodeAnyValue(v, CTX, AT);

describe('decodeAnyValue', () => {
  it('reads strings and booleans in camelCase and snake_case', () => {
    expect(value({ stringValue: 'GET' })).toBe('GET');
    expect(value({ string_value: 'GET' })).toBe('GET');
    expect(value({ stringValue: '' })).toBe('');
    expect(value({ boolValue: true })).toBe(true);
    expect(value({ bool_value: false })).toBe(false);
    expect(value({ boolValue: 'true' })).toBe(true);
    expect(value({ boolValue: 'false' })).toBe(false);
  });

  it('reads int64 from a decimal string or a number, keeping unsafe integers exact as strings', () => {
    expect(value({ intValue: '42' })).toBe(42);
    expect(value({ intValue: '-7' })).toBe(-7);
    expect(value({ int_value: 5 })).toBe(5);
    expect(value({ intValue: '9007199254740991' })).toBe(9007199254740991);
    expect(value({ intValue: '9007199254740993' })).toBe('9007199254740993');
  });

  it('refuses an intValue that is not an integer, naming the path', () => {
    expect(inputErrorOf(() => value({ intValue: '1.5' })).message).toBe(
      'f.json:3: spans[0].attributes[2].value.intValue: expected an integer (decimal string or number), got "1.5"',
    );
    expect(inputErrorOf(() => value({ intValue: true })).message).toBe(
      'f.json:3: spans[0].attributes[2].value.intValue: expected an integer (decimal string or number), got true',
    );
  });

  it('reads doubles as numbers, and NaN / Infinity as the strings they arrive as', () => {
    expect(value({ doubleValue: 0.25 })).toBe(0.25);
    expect(value({ double_value: 3 })).toBe(3);
    expect(value({ doubleValue: 'NaN' })).toBe('NaN');
    expect(value({ doubleValue: 'Infinity' })).toBe('Infinity');
    expect(value({ doubleValue: '-Infinity' })).toBe('-Infinity');
  });

  it('reads arrays and key-value lists, nested', () => {
    expect(value({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, {}] } })).toEqual([
      'a',
      1,
      null,
    ]);
    expect(value({ array_value: {} })).toEqual([]);
    expect(
      value({
        kvlistValue: {
          values: [
            { key: 'retry', value: { boolValue: true } },
            { key: 'inner', value: { arrayValue: { values: [{ doubleValue: 1.5 }] } } },
          ],
        },
      }),
    ).toEqual({ retry: true, inner: [1.5] });
    expect(value({ kvlist_value: {} })).toEqual({});
  });

  it('names the path inside an array that is wrong', () => {
    expect(inputErrorOf(() => value({ arrayValue: { values: 'a' } })).message).toBe(
      'f.json:3: spans[0].attributes[2].value.arrayValue.values: expected an array',
    );
    expect(inputErrorOf(() => value({ arrayValue: { values: [{ intValue: 'x' }] } })).message).toBe(
      'f.json:3: spans[0].attributes[2].value.arrayValue.values[0].intValue: expected an integer (decimal string or number), got "x"',
    );
  });

  it('keeps bytes as base64 and reads an AnyValue with nothing set as null', () => {
    expect(value({ bytesValue: 'AQID' })).toBe('AQID');
    expect(value({})).toBeNull();
  });

  it('accepts bare scalars, null and undefined, and refuses a bare array', () => {
    expect(value('plain')).toBe('plain');
    expect(value(12)).toBe(12);
    expect(value(true)).toBe(true);
    expect(value(null)).toBeNull();
    expect(value(undefined)).toBeNull();
    expect(inputErrorOf(() => value([1])).message).toBe(
      'f.json:3: spans[0].attributes[2].value: expected an AnyValue object like {"stringValue": "…"}',
    );
  });
});

describe('decodeAttributes', () => {
  const SPAN = (): PathPart[] => ['resourceSpans', 0, 'scopeSpans', 0, 'spans', 1];
  const attrs = (list: unknown, keep?: ReadonlySet<string>) =>
    decodeAttributes(list, CTX, SPAN, 'attributes', keep);

  it('turns the key/value list into an object', () => {
    expect(
      attrs([
        { key: 'http.request.method', value: { stringValue: 'GET' } },
        { key: 'http.response.status_code', value: { intValue: '200' } },
        { key: 'big', value: { intValue: '12345678901234567890' } },
        { key: 'sampled', value: { boolValue: true } },
        { key: 'ratio', value: { doubleValue: 0.5 } },
        { key: 'empty', value: {} },
      ]),
    ).toEqual({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      big: '12345678901234567890',
      sampled: true,
      ratio: 0.5,
      empty: null,
    });
  });

  it('is an empty, frozen object for a missing or empty list', () => {
    for (const list of [undefined, null, []]) {
      const out = attrs(list);
      expect(out).toEqual({});
      expect(Object.isFrozen(out)).toBe(true);
    }
  });

  it('keeps only the keys asked for, but still checks every entry', () => {
    const list = [
      { key: 'http.response.status_code', value: { intValue: 503 } },
      { key: 'db.statement', value: { stringValue: 'SELECT 1' } },
    ];
    expect(attrs(list, new Set(['http.response.status_code']))).toEqual({ 'http.response.status_code': 503 });
    expect(Object.isFrozen(attrs(list, new Set(['nothing'])))).toBe(true);
    expect(
      inputErrorOf(() => attrs([...list, { value: { stringValue: 'no key' } }], new Set(['nothing'])))
        .message,
    ).toBe(
      'f.json:3: resourceSpans[0].scopeSpans[0].spans[1].attributes[2]: expected an attribute {"key": "…", "value": {…}}',
    );
  });

  it('refuses a list that is not an array, and a value that is not an AnyValue, by path', () => {
    expect(inputErrorOf(() => attrs({ key: 'a' })).message).toBe(
      'f.json:3: resourceSpans[0].scopeSpans[0].spans[1].attributes: expected an array of {"key", "value"} attributes',
    );
    expect(inputErrorOf(() => attrs([{ key: 'a', value: { intValue: 'NaN' } }])).message).toBe(
      'f.json:3: resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value.intValue: expected an integer (decimal string or number), got "NaN"',
    );
  });

  it('lets a later entry with the same key win', () => {
    expect(
      attrs([
        { key: 'k', value: { stringValue: 'first' } },
        { key: 'k', value: { stringValue: 'second' } },
      ]),
    ).toEqual({ k: 'second' });
  });
});
