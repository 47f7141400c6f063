import { describe, expect, it } from 'vitest';
import { renderListText } from '../../../src/render/list/text.js';
import { createStyle, PLAIN_STYLE } from '../../../src/render/style.js';
import { tid } from '../../helpers/make-span.js';
import { traceSummary } from '../../helpers/trace-summary.js';

/** The table's rows (head first) as cells, and the raw lines. */
function table(text: string) {
  const lines = text.trimEnd().split('\n');
  const rows = lines.filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, -1));
  return { lines, rows, cells: rows.map((r) => r.map((c) => c.trim())) };
}

describe('renderListText', () => {
  it('a head and one row per trace: id, start in UTC, root, spans, duration, errors', () => {
    const { cells } = table(
      renderListText(
        [
          traceSummary(),
          traceSummary({ traceId: tid('b2'), errorCount: 0, spanCount: 12, durationMs: 0.85 }),
        ],
        PLAIN_STYLE,
        200,
      ),
    );
    expect(cells).toEqual([
      ['trace id', 'start (UTC)', 'root', 'spans', 'duration', 'errors'],
      [
        '000000000000000000000000000000a1',
        '2023-11-14 22:13:20.123',
        'GET /users (user-service)',
        '7',
        '6.1s',
        '3',
      ],
      [
        '000000000000000000000000000000b2',
        '2023-11-14 22:13:20.123',
        'GET /users (user-service)',
        '12',
        '850µs',
        '0',
      ],
    ]);
  });

  it('right-aligns the numbers', () => {
    const { rows } = table(
      renderListText([traceSummary({ spanCount: 7 }), traceSummary({ spanCount: 1234 })], PLAIN_STYLE, 200),
    );
    const spans = rows.slice(1).map((r) => r[3]!);
    expect(spans[0]!.length).toBe(spans[1]!.length);
    expect(spans[0]!.trimStart()).toBe('7 ');
    expect(spans[0]!.endsWith('7 ')).toBe(true);
    expect(spans[1]!.endsWith('1234 ')).toBe(true);
  });

  it('draws a frame, and no line between rows', () => {
    const { lines } = table(renderListText([traceSummary(), traceSummary()], PLAIN_STYLE, 200));
    expect(lines[0]).toMatch(/^┌─+┬/);
    expect(lines.at(-1)).toMatch(/^└─+┴/);
    expect(lines.filter((l) => l.startsWith('│'))).toHaveLength(3);
  });

  it('cuts the root column to fit the width, never below 20 columns', () => {
    const long = traceSummary({ rootName: 'GET /api/v2/customers/{customerId}/orders/{orderId}/items' });
    // width 80: the other columns take 98, so the root keeps its minimum of 20
    expect(table(renderListText([long], PLAIN_STYLE, 80)).cells[1]![2]).toBe('GET /api/v2/custome…');
    // width 130: 130 - 98 = 32 columns, the last one the ellipsis
    expect(table(renderListText([long], PLAIN_STYLE, 130)).cells[1]![2]).toBe(
      'GET /api/v2/customers/{customer…',
    );
    // and a root that fits is left whole
    expect(table(renderListText([long], PLAIN_STYLE, 300)).cells[1]![2]).toBe(
      'GET /api/v2/customers/{customerId}/orders/{orderId}/items (user-service)',
    );
  });

  it('marks a trace whose root is missing; a backend summary with no root at all says only that', () => {
    const { cells } = table(
      renderListText(
        [
          traceSummary({ rootMissing: true }),
          traceSummary({ rootMissing: true, rootName: '', rootService: '' }),
        ],
        PLAIN_STYLE,
        200,
      ),
    );
    expect(cells[1]![2]).toBe('GET /users (user-service) [root missing]');
    expect(cells[2]![2]).toBe('[root missing]');
  });

  it('escapes control characters in root names and services', () => {
    const text = renderListText(
      [traceSummary({ rootName: 'a\u001b[2J', rootService: 's\u0007' })],
      PLAIN_STYLE,
      200,
    );
    expect(table(text).cells[1]![2]).toBe('a\\u{1b}[2J (s\\u{07})');
    expect(text).not.toContain('\u001b');
  });

  it('colours a non-zero error count only', () => {
    const text = renderListText(
      [traceSummary({ errorCount: 3 }), traceSummary({ errorCount: 0 })],
      createStyle(true),
      200,
    );
    expect(text).toContain('\u001b[31m\u001b[1m3\u001b[22m\u001b[39m');
    expect(text.match(/\u001b\[31m/g)).toHaveLength(1);
  });

  it('no traces: just the head', () => {
    expect(table(renderListText([], PLAIN_STYLE, 200)).cells).toEqual([
      ['trace id', 'start (UTC)', 'root', 'spans', 'duration', 'errors'],
    ]);
  });

  it('ends with a newline', () => {
    expect(renderListText([traceSummary()], PLAIN_STYLE, 200).endsWith('┘\n')).toBe(true);
  });
});
