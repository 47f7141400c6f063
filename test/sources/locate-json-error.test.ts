import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../src/sources/locate-json-error.js';

describe('locateJsonError', () => {
  it.each([
    ['{"a":1}', -1],
    ['[1, 2.5e3, -0, true, false, null, "x\\u00e9\\n", {"k": []}]', -1],
    ['{"a": ]}', 6],
    ['{"a" 1}', 5],
    ['{"a":1,}', 7],
    ['[1,]', 3],
    ['[1 2]', 3],
    ['{"a":1}}', 7],
    ['{"a":[1,2', 9],
    ['"abc', 4],
    ['"a\\qb"', 3],
    ['"a\tb"', 2],
    ['{a:1}', 1],
    ['tru', 0],
    ['01', 1],
  ])('%j → %i', (text, offset) => {
    expect(locateJsonError(text)).toBe(offset);
    // Cross-check against the real parser: valid exactly when we say so.
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    expect(valid).toBe(offset === -1);
  });

  it('handles deep nesting without recursion', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(locateJsonError(deep)).toBe(-1);
    expect(locateJsonError(`${'['.repeat(200_000)}}`)).toBe(200_000);
  });
});
