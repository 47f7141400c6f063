import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  type DecodeContext,
  decodeError,
  describeValue,
  formatPath,
  isRecord,
} from '../../src/schema/decode-context.js';

const CTX: DecodeContext = { file: 'traces.jsonl', line: 14, warn: () => {} };

describe('formatPath', () => {
  it('writes keys with dots and indexes in brackets', () => {
    expect(formatPath(['resourceSpans', 0, 'scopeSpans', 1, 'spans', 3, 'spanId'])).toBe(
      'resourceSpans[0].scopeSpans[1].spans[3].spanId',
    );
  });

  it('starts with an index when the document is an array, and names the document when empty', () => {
    expect(formatPath([0, 'spans', 2])).toBe('[0].spans[2]');
    expect(formatPath([])).toBe('(document)');
    expect(formatPath(['data'])).toBe('data');
  });
});

describe('decodeError', () => {
  it('is an InputError (exit 2) saying file:line, the path and what was expected, with the hint', () => {
    const error = decodeError(
      CTX,
      ['resourceSpans', 0, 'scopeSpans', 1, 'spans', 3, 'spanId'],
      'expected 16 hex chars',
      'this looks like base64',
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'traces.jsonl:14: resourceSpans[0].scopeSpans[1].spans[3].spanId: expected 16 hex chars',
    );
    expect(error.hint).toBe('this looks like base64');
  });

  it('has no hint unless given one', () => {
    const error = decodeError(CTX, [], 'not a trace document');
    expect(error.message).toBe('traces.jsonl:14: (document): not a trace document');
    expect(error.hint).toBeUndefined();
  });
});

describe('describeValue', () => {
  it('names each kind of JSON value', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2])).toBe('an array');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(42)).toBe('number 42');
    expect(describeValue(false)).toBe('boolean false');
    expect(describeValue('abc')).toBe('the string "abc"');
  });

  it('cuts a long string at 40 characters', () => {
    expect(describeValue('y'.repeat(41))).toBe(`the string "${'y'.repeat(40)}…"`);
    expect(describeValue('y'.repeat(40))).toBe(`the string "${'y'.repeat(40)}"`);
  });
});

describe('isRecord', () => {
  it('is true for plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ resourceSpans: [] })).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord('x')).toBe(false);
    expect(isRecord(undefined)).toBe(false);
  });
});
