import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
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
