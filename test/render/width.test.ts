import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { sanitize } from '../../src/render/sanitize.js';
import { cut, displayWidth, loadTextWidths } from '../../src/render/width.js';

/** Tests in order: the first describe runs before string-width is loaded, the second after. */
describe('before loadTextWidths', () => {
  it('counts UTF-16 units, colour codes left out', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('注文')).toBe(2);
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
  });

  it('cuts to that count, the ellipsis inside the width', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('abcd', 4)).toBe('abcd');
  });
});

describe('after loadTextWidths', () => {
  it('counts terminal columns', async () => {
    await loadTextWidths();
    expect(displayWidth('注文')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('\u001b[1m注\u001b[22m')).toBe(2);
  });

  it('never cuts inside a grapheme; a wide character that does not fit is left out whole', () => {
    expect(cut('注文サービス', 6)).toBe('注文…');
    expect(cut('注文サービス', 5)).toBe('注文…');
    expect(cut('cafe\u0301 au lait', 5)).toBe('cafe\u0301…');
  });

  it('drops colour codes from a text it cuts, keeps them in one it does not', () => {
    expect(cut('\u001b[31mabcdef\u001b[39m', 4)).toBe('abc…');
    expect(cut('\u001b[31mab\u001b[39m', 4)).toBe('\u001b[31mab\u001b[39m');
  });

  it('never cuts inside an escape sanitize wrote: it is kept or left out whole', () => {
    const escaped = sanitize('ab\u202ecd\u001b[2J\n');
    expect(escaped).toBe('ab\\u{202e}cd\\u{1b}[2J\\n');
    // At every width, what is kept is a prefix of whole pieces: `\u{20…` never appears.
    const cuts = Array.from({ length: 22 }, (_, kept) => cut(escaped, kept + 1));
    expect(cuts.slice(0, 10)).toEqual(['…', 'a…', ...Array(8).fill('ab…')]);
    expect(cuts.slice(10, 13)).toEqual(['ab\\u{202e}…', 'ab\\u{202e}c…', 'ab\\u{202e}cd…']);
    expect(cuts.slice(13, 18)).toEqual(Array(5).fill('ab\\u{202e}cd…'));
    expect(cuts[18]).toBe('ab\\u{202e}cd\\u{1b}…');
    expect(cuts[21]).toBe('ab\\u{202e}cd\\u{1b}[2J…');
    for (const text of cuts) expect(text.slice(0, -1)).not.toMatch(/\\(u(\{[0-9a-f]*)?)?$/);
  });

  it('a narrow column cuts a coloured escape whole, its colour codes dropped rather than cut', () => {
    const styled = `\u001b[31m${sanitize('x\u202ey')}\u001b[39m`;
    for (let width = 1; width < 10; width++) {
      const text = cut(styled, width);
      expect(text).not.toContain('\u001b');
      expect(['…', 'x…'], `width ${width}`).toContain(text);
    }
    expect(cut(styled, 11)).toBe(styled);
  });

  it('a width of one leaves just the ellipsis', () => {
    expect(cut('abc', 1)).toBe('…');
  });

  it('measures ASCII and box-drawing text by its length, as string-width does', async () => {
    await loadTextWidths();
    const texts = [
      '├─ │  └─ GET /api/orders (order-service) 5.0s',
      `${'│  '.repeat(2_000)}└─ level 2001 (svc) 1.0ms`,
      '┌─┬─┐ ╰─╯ ═ ║ ~!@#$%^&*()_+{}|:"<>?',
      '',
    ];
    for (const text of texts) expect(displayWidth(text)).toBe(stringWidth(text));
    // Anything else is still measured: wide, combining, colour codes next to box drawing.
    expect(displayWidth('└─ 注文')).toBe(7);
    expect(displayWidth('└─ a\u0301')).toBe(4);
    expect(displayWidth('└─ \u001b[31mred\u001b[39m')).toBe(6);
  });
});
