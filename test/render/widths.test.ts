import { beforeAll, describe, expect, it } from 'vitest';
import { cut, displayWidth, loadTextWidths } from '../../src/render/width.js';
import { otlpDocument } from '../helpers/otlp-doc.js';
import { runCli, tempFile } from '../helpers/run-cli.js';

/** Terminal columns, not UTF-16 units: CJK and emoji take two columns each. */
describe('text widths', () => {
  beforeAll(loadTextWidths);

  it('counts columns: two for a CJK character or an emoji, none for colour codes', () => {
    expect(displayWidth('注文サービス')).toBe(12);
    expect(displayWidth('👩‍💻 deploy')).toBe(9);
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
  });

  it('cuts to columns, between graphemes, with the ellipsis inside the width', () => {
    expect(cut('注文サービスの取得', 8)).toBe('注文サ…');
    expect(displayWidth(cut('注文サービスの取得', 8))).toBeLessThanOrEqual(8);
    // A family emoji is one grapheme of several code points: kept whole or left out whole.
    expect(cut('👨‍👩‍👧 family trip', 4)).toBe('👨‍👩‍👧 …');
    expect(cut('👨‍👩‍👧👨‍👩‍👧', 3)).toBe('👨‍👩‍👧…');
    expect(cut('short', 10)).toBe('short');
  });

  it('show --timeline: every bar starts in the same column, whatever the span names are written in', async () => {
    const file = tempFile(
      'wide.otlp.json',
      JSON.stringify(
        otlpDocument([
          { id: 1, name: 'GET /orders', service: 'web', startMs: 0, endMs: 100 },
          { id: 2, parent: 1, name: '注文を取得する', service: '注文サービス', startMs: 10, endMs: 60 },
          { id: 3, parent: 1, name: '🚚 ship', service: 'web', startMs: 60, endMs: 90 },
        ]),
      ),
    );
    const { code, stdout } = await runCli(['show', '-f', file, '--timeline'], { env: { COLUMNS: '100' } });
    expect(code).toBe(0);
    const bars = stdout.split('\n').filter((line) => line.includes('│'));
    expect(bars).toHaveLength(3);
    const columns = bars.map((line) => displayWidth(line.slice(0, line.indexOf('│'))));
    expect(new Set(columns).size).toBe(1);
  });
});
