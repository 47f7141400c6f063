import { describe, expect, it } from 'vitest';
import { escapeJsonControls, sanitize, sanitizeLines } from '../../src/render/sanitize.js';

describe('sanitize', () => {
  it('leaves printable text, CJK and emoji alone', () => {
    expect(sanitize('GET /orders/{id} 注文 🚚')).toBe('GET /orders/{id} 注文 🚚');
  });

  it('names newline, carriage return and tab', () => {
    expect(sanitize('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
  });

  it('escapes ESC so that a span name cannot recolour the terminal or set its title', () => {
    expect(sanitize('\u001b[31mred\u001b[0m')).toBe('\\u{1b}[31mred\\u{1b}[0m');
    expect(sanitize('\u001b]0;pwned\u0007')).toBe('\\u{1b}]0;pwned\\u{07}');
  });

  it('escapes NUL, DEL and C1 controls with two hex digits', () => {
    expect(sanitize('\u0000')).toBe('\\u{00}');
    expect(sanitize('\u007f')).toBe('\\u{7f}');
    expect(sanitize('\u009b31m')).toBe('\\u{9b}31m');
  });

  it('escapes bidi overrides and marks (Trojan Source)', () => {
    expect(sanitize('a\u202eb')).toBe('a\\u{202e}b');
    expect(sanitize('\u2066\u2069')).toBe('\\u{2066}\\u{2069}');
    expect(sanitize('\u200e\u200f\u061c')).toBe('\\u{200e}\\u{200f}\\u{61c}');
  });

  it('escapes zero-width characters and the line and paragraph separators', () => {
    expect(sanitize('adm\u200bin\u200c\u2060\ufeff')).toBe('adm\\u{200b}in\\u{200c}\\u{2060}\\u{feff}');
    expect(sanitize('a\u2028b\u2029c')).toBe('a\\u{2028}b\\u{2029}c');
    // The joiner stays: emoji sequences need it.
    expect(sanitize('👩\u200d💻')).toBe('👩\u200d💻');
  });

  it('leaves the characters just outside the unsafe ranges alone', () => {
    // U+00A0 (after C1), U+200D (zero-width joiner inside emoji), U+2065 and U+206A
    expect(sanitize('\u00a0\u200d\u2065\u206a')).toBe('\u00a0\u200d\u2065\u206a');
  });
});

describe('sanitizeLines', () => {
  it('splits on LF and CRLF and sanitises each line', () => {
    expect(sanitizeLines('Error: boom\r\n    at f (\u001b.js:1)\n\tat g')).toEqual([
      'Error: boom',
      '    at f (\\u{1b}.js:1)',
      '\\tat g',
    ]);
  });

  it('keeps empty lines', () => {
    expect(sanitizeLines('a\n\nb')).toEqual(['a', '', 'b']);
  });
});

describe('escapeJsonControls', () => {
  it('escapes DEL, C1 and bidi controls that JSON.stringify leaves raw, as \\uXXXX', () => {
    const json = JSON.stringify({ name: 'a\u007fb\u0085c\u202ed' });
    expect(json).toContain('\u007f');
    const escaped = escapeJsonControls(json);
    expect(escaped).toBe('{"name":"a\\u007fb\\u0085c\\u202ed"}');
  });

  it('keeps the document valid and the data exact', () => {
    const value = { name: 'x\u009b31m\u2066y\u061c\n\u001b', n: 1 };
    const escaped = escapeJsonControls(JSON.stringify(value));
    expect(escaped).not.toMatch(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(escaped)).toEqual(value);
  });

  it('escapes zero-width characters and U+2028/2029 too, keeping the data exact', () => {
    const value = { name: 'a\u200bb\u2028c\u2029d\ufeff' };
    const escaped = escapeJsonControls(JSON.stringify(value));
    expect(escaped).toBe('{"name":"a\\u200bb\\u2028c\\u2029d\\ufeff"}');
    expect(JSON.parse(escaped)).toEqual(value);
  });

  it('leaves the C0 escapes JSON.stringify already wrote as they are', () => {
    expect(escapeJsonControls(JSON.stringify('\u001b\n'))).toBe('"\\u001b\\n"');
  });
});
