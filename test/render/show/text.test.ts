import { describe, expect, it } from 'vitest';
import { renderShowText } from '../../../src/render/show/text.js';
import type { TreeOptions } from '../../../src/render/show/tree.js';
import { createStyle } from '../../../src/render/style.js';
import { TEST_TRACE_ID } from '../../helpers/make-span.js';
import {
  analyse,
  CHECKOUT,
  MASKED_TIMEOUT,
  RECOVERED,
  REFUSED,
  TREE_OPTIONS,
} from '../../helpers/show-scenarios.js';

const textOf = (view: ReturnType<typeof analyse>, options: Partial<TreeOptions> = {}) =>
  renderShowText(view, { ...TREE_OPTIONS, ...options });
const ROOT_AT_0 = 'at 1970-01-01T00:00:00.000Z';
const LEGEND = '   * critical path (≥ 1% of the trace)';

describe('renderShowText', () => {
  it('a healthy trace: header, root, tree, verdict', () => {
    expect(textOf(analyse(CHECKOUT))).toBe(
      [
        `Trace ${TEST_TRACE_ID}  100ms  5 spans  2 services  no failed spans`,
        `root GET /checkout (web) ${ROOT_AT_0}${LEGEND}`,
        '',
        'GET /checkout (web) 100ms*',
        '├─ load cart (web) 39ms*',
        '├─ audit (web) 10ms',
        '└─ charge (payments) 60ms* (self 41ms)',
        '   └─ INSERT (payments) 19ms*',
        '',
        '✓ No errors.',
        '',
      ].join('\n'),
    );
  });

  it('a failed trace: the failed spans counted, the diagnosis at the foot', () => {
    const lines = textOf(analyse(REFUSED)).split('\n');
    expect(lines[0]).toBe(`Trace ${TEST_TRACE_ID}  20ms  4 spans  1 service  3 failed spans`);
    expect(lines.slice(-3)).toEqual([
      '',
      '✗ user-service → 127.0.0.1:4001 failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001 in get_user_orders › GET after 6.0ms.',
      '',
    ]);
  });

  it('a diagnosis of several sentences: the first after the mark, the others indented', () => {
    const lines = textOf(analyse(MASKED_TIMEOUT)).trimEnd().split('\n');
    expect(lines[0]).toBe(`Trace ${TEST_TRACE_ID}  15.0s  2 spans  2 services  1 failed span`);
    expect(lines.slice(-2)).toEqual([
      '✗ proxy → backend timed out: HTTP 504 gateway timeout in POST after 15.0s.',
      '  The slow span behind it: work (backend) ran 14.9s.',
    ]);
  });

  it('recovered failures: counted in the header, the verdict says they were handled', () => {
    const text = textOf(analyse(RECOVERED));
    expect(text.split('\n')[0]).toMatch(/ 1 failed span$/);
    expect(
      text.endsWith(
        '\n✓ No unrecovered errors: 1 failed span(s) were retried or handled by their callers.\n',
      ),
    ).toBe(true);
  });

  it('says how many roots there are when there is more than one', () => {
    const text = textOf(
      analyse([
        { id: '1', name: 'first', startMs: 0, endMs: 10 },
        { id: '2', name: 'second', startMs: 20, endMs: 30 },
      ]),
    );
    expect(text.split('\n')[1]).toBe(`root first (svc) ${ROOT_AT_0}; 2 roots${LEGEND}`);
  });

  it('says how many spans the tree shows when it does not show them all', () => {
    const lines = textOf(analyse(CHECKOUT), { maxSpans: 3 }).split('\n');
    expect(lines.slice(6, 9)).toEqual([
      '… 2 more span(s) not shown (--max-spans 3)',
      '(3 of 5 spans shown)',
      '',
    ]);
    const filtered = textOf(analyse(REFUSED), { errorsOnly: true }).split('\n');
    expect(filtered).toContain('(3 of 4 spans shown)');
  });

  it('lists orphans, truncation and backend warnings under the tree, warnings marked ⚠, the rest ℹ', () => {
    const view = analyse(
      [
        { id: '1', name: 'root', startMs: 0, endMs: 10 },
        { id: '2', parent: 'ff', name: 'stray', startMs: 2, endMs: 4, warnings: ['clock skew adjusted'] },
      ],
      [],
      ['trace has more than 10000 spans'],
    );
    const lines = textOf(view).trimEnd().split('\n');
    expect(lines.slice(-6)).toEqual([
      '',
      '⚠ stray (svc): parent 00000000000000ff is not in the trace (lost, sampled out, or not arrived yet)',
      '⚠ the backend truncated this trace: trace has more than 10000 spans',
      'ℹ backend warning on 0000000000000002: clock skew adjusted',
      '',
      '✓ No errors.',
    ]);
  });

  it('lists at most ten findings and points at the JSON for the rest', () => {
    const view = analyse([
      { id: '1', name: 'root', startMs: 0, endMs: 10 },
      ...Array.from({ length: 12 }, (_, i) => ({
        id: (0x10 + i).toString(16),
        parent: (0xf0 + i).toString(16),
        name: `stray ${i}`,
        startMs: 1,
        endMs: 2,
      })),
    ]);
    const lines = textOf(view).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('⚠ '))).toHaveLength(10);
    expect(lines.at(-3)).toBe('… and 2 more (see --format json)');
  });

  it('leaves errors and timeouts to the tree and the diagnosis, not to the list of findings', () => {
    const text = textOf(analyse(MASKED_TIMEOUT));
    expect(text).not.toMatch(/^[⚠ℹ] /m);
  });

  it('escapes control characters in the root line', () => {
    const text = textOf(analyse([{ name: 'a\u001b[31m', service: 'b\u0007', startMs: 0, endMs: 1 }]));
    expect(text.split('\n')[1]).toBe(`root a\\u{1b}[31m (b\\u{07}) ${ROOT_AT_0}${LEGEND}`);
    expect(text).not.toContain('\u001b');
  });

  it('with colour: the failed count and the verdict in the error colour', () => {
    const text = textOf(analyse(REFUSED), { style: createStyle(true) });
    expect(text.split('\n')[0]).toContain('\u001b[31m\u001b[1m3 failed spans\u001b[22m\u001b[39m');
    expect(text).toContain('\n\u001b[31m\u001b[1m✗\u001b[22m\u001b[39m user-service → 127.0.0.1:4001 failed');
  });
});
