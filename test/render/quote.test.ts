import { describe, expect, it } from 'vitest';
import {
  JSON_QUOTE,
  NAME_LIMIT,
  quoteName,
  quoteValue,
  TEXT_QUOTE,
  truncate,
  VALUE_LIMIT,
} from '../../src/render/quote.js';
import { sanitize } from '../../src/render/sanitize.js';

describe('truncate', () => {
  it('leaves text at or under the limit alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('', 0)).toBe('');
    // 3 code points in 6 UTF-16 units: under a limit of 3 characters.
    expect(truncate('🚚🚚🚚', 3)).toBe('🚚🚚🚚');
  });

  it('cuts after the limit and says how many characters were left out, grouped by thousands', () => {
    expect(truncate('abcdef', 4)).toBe('abcd…(+2 chars)');
    expect(truncate('x'.repeat(30_000_000), 200)).toBe(`${'x'.repeat(200)}…(+29,999,800 chars)`);
  });

  it('counts characters, not UTF-16 units, and never splits a surrogate pair', () => {
    expect(truncate('🚚🚚🚚🚚', 2)).toBe('🚚🚚…(+2 chars)');
  });

  it('cuts between graphemes: an accent or an emoji sequence is kept or left out whole', () => {
    expect(truncate('cafe\u0301 au lait', 4)).toBe('caf…(+10 chars)');
    expect(truncate('ab👩\u200d💻cd', 3)).toBe('ab…(+5 chars)');
  });

  it('cuts before an escape sanitize wrote, never inside it', () => {
    const escaped = sanitize('ab\u202ecd\u001bef\ng');
    expect(escaped).toBe('ab\\u{202e}cd\\u{1b}ef\\ng');
    // Every cut inside `\u{202e}` falls back to before it, and one after `\` of `\u{1b}` or `\n` too.
    for (const limit of [3, 4, 5, 6, 7, 8, 9]) expect(truncate(escaped, limit)).toBe('ab…(+21 chars)');
    expect(truncate(escaped, 10)).toBe('ab\\u{202e}…(+13 chars)');
    expect(truncate(escaped, 13)).toBe('ab\\u{202e}cd…(+11 chars)');
    expect(truncate(escaped, 17)).toBe('ab\\u{202e}cd…(+11 chars)');
    expect(truncate(escaped, 18)).toBe('ab\\u{202e}cd\\u{1b}…(+5 chars)');
    expect(truncate(escaped, 21)).toBe('ab\\u{202e}cd\\u{1b}ef…(+3 chars)');
    expect(truncate(escaped, 22)).toBe('ab\\u{202e}cd\\u{1b}ef\\n…(+1 char)');
  });
});

describe('quoting span data', () => {
  it('text: names cut at NAME_LIMIT, values at VALUE_LIMIT, both escaped', () => {
    const name = `${'n'.repeat(NAME_LIMIT)}\u001b[2J`;
    expect(quoteName(name)).toBe(`${'n'.repeat(NAME_LIMIT)}…(+4 chars)`);
    expect(quoteName('GET\u001b[2J')).toBe('GET\\u{1b}[2J');
    const value = `${'v'.repeat(VALUE_LIMIT - 1)}\u202eafter`;
    // The cut keeps the 999 v's and the bidi control, then escapes it: nothing raw, nothing half.
    expect(quoteValue(value)).toBe(`${'v'.repeat(VALUE_LIMIT - 1)}\\u{202e}…(+5 chars)`);
    expect(TEXT_QUOTE).toEqual({ name: quoteName, value: quoteValue });
  });

  it('JSON: escaped like text, but whole', () => {
    const long = `${'x'.repeat(5_000)}\u001b`;
    expect(JSON_QUOTE.name(long)).toBe(`${'x'.repeat(5_000)}\\u{1b}`);
    expect(JSON_QUOTE.value(long)).toBe(`${'x'.repeat(5_000)}\\u{1b}`);
  });
});
