import { beforeAll, describe, expect, it } from 'vitest';
import { isOnCriticalChain, renderTree, type TreeOptions } from '../../../src/render/show/tree.js';
import { createStyle } from '../../../src/render/style.js';
import { displayWidth, loadTextWidths } from '../../../src/render/width.js';
import { ms, type SpanSpec } from '../../helpers/make-span.js';
import {
  analyse,
  CHECKOUT,
  exceptionEvent as exception,
  MASKED_TIMEOUT,
  RECOVERED,
  REFUSED,
  TREE_OPTIONS,
} from '../../helpers/show-scenarios.js';

const OPTIONS = TREE_OPTIONS;
const linesOf = (view: ReturnType<typeof analyse>, options: Partial<TreeOptions> = {}) =>
  renderTree(view, { ...OPTIONS, ...options }).lines;

describe('renderTree: shape', () => {
  it('draws one line per span with connectors; * marks the chain the critical path runs through', () => {
    const result = renderTree(analyse(CHECKOUT), OPTIONS);
    expect(result.lines).toEqual([
      'GET /checkout (web) 100ms*',
      '├─ load cart (web) 39ms*',
      '├─ audit (web) 10ms',
      '└─ charge (payments) 60ms* (self 41ms)',
      '   └─ INSERT (payments) 19ms*',
    ]);
    expect(result.shownSpans).toBe(5);
    expect(result.visibleSpans).toBe(5);
  });

  it('hangs exceptions and status messages under their span; names whom a client called', () => {
    expect(linesOf(analyse(REFUSED))).toEqual([
      'get_user_profile (user-service) 20ms*  ✗',
      '├─ get_user_data (user-service) 5.0ms*',
      '└─ get_user_orders (user-service) 14ms* (self 8.0ms)  ✗',
      '   ├─ status: orders failed',
      '   └─ GET (user-service) → 127.0.0.1:4001 6.0ms*  ✗ ◀ origin',
      '      └─ ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001',
    ]);
  });

  it('with stack: the stack trace under the exception, indented past its connector', () => {
    expect(linesOf(analyse(REFUSED), { stack: true }).slice(-3)).toEqual([
      '      └─ ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001',
      '            Error: connect ECONNREFUSED 127.0.0.1:4001',
      '                at TCPConnectWrap.afterConnect',
    ]);
  });

  it('with stack: the stack of an exception followed by child spans keeps the branch line', () => {
    const view = analyse([
      { id: '1', name: 'job', startMs: 0, endMs: 10, events: [exception(1, 'E', 'bad', 'at a\nat b')] },
      { id: '2', parent: '1', name: 'step', startMs: 2, endMs: 3 },
    ]);
    expect(linesOf(view, { stack: true })).toEqual([
      // self 9 ms of 10: not under 90% of the span, so not worth a note
      'job (svc) 10ms*  ✗ ◀ origin',
      '├─ E: bad',
      '│     at a',
      '│     at b',
      '└─ step (svc) 1.0ms*',
    ]);
  });

  it('a status note only where no exception says more', () => {
    const lines = linesOf(analyse(REFUSED));
    expect(lines.filter((l) => l.includes('status: connect ECONNREFUSED'))).toEqual([]);
  });

  it('several roots are drawn one after the other, without connectors', () => {
    const view = analyse([
      { id: '1', name: 'first', startMs: 0, endMs: 10 },
      { id: '2', name: 'second', startMs: 20, endMs: 30 },
      { id: '3', parent: '2', name: 'child', startMs: 21, endMs: 22 },
    ]);
    // The critical path follows the root that ends last only.
    expect(linesOf(view)).toEqual(['first (svc) 10ms', 'second (svc) 10ms*', '└─ child (svc) 1.0ms*']);
  });

  it('escapes control characters in names and services; an empty name says so', () => {
    const view = analyse([
      { id: '1', name: 'GET \u001b[2J/', service: 'web\u202e', startMs: 0, endMs: 1 },
      { id: '2', parent: '1', name: '', startMs: 0, endMs: 1 },
    ]);
    expect(linesOf(view)).toEqual(['GET \\u{1b}[2J/ (web\\u{202e}) 1.0ms*', '└─ (no name) (svc) 1.0ms*']);
  });
});

describe('renderTree: markers', () => {
  it('HTTP status on a failed call; a failure its caller recovered from is not the origin', () => {
    const view = analyse([
      ...RECOVERED,
      {
        id: '3',
        parent: '1',
        name: 'GET',
        kind: 'client',
        startMs: 6,
        endMs: 10,
        attributes: { 'http.response.status_code': 200 },
      },
    ]);
    expect(linesOf(view)).toEqual([
      'orders (svc) 50ms* (self 42ms)',
      '├─ GET (svc) 4.0ms*  ✗ HTTP 503 recovered',
      '└─ GET (svc) 4.0ms*',
    ]);
  });

  it('gRPC status name, and the RPC service as the peer', () => {
    const view = analyse([
      {
        name: 'orders.Orders/Get',
        kind: 'client',
        startMs: 0,
        endMs: 3,
        attributes: { 'rpc.system': 'grpc', 'rpc.service': 'orders.Orders', 'rpc.grpc.status_code': 14 },
      },
    ]);
    expect(linesOf(view)).toEqual([
      'orders.Orders/Get (svc) → orders.Orders 3.0ms*  ✗ gRPC UNAVAILABLE ◀ origin',
    ]);
  });

  it('a timeout says why instead of the HTTP status; the slow span behind it is pointed at', () => {
    const view = analyse(MASKED_TIMEOUT);
    expect(linesOf(view)).toEqual([
      'POST (proxy) 15.0s*  ✗ TIMEOUT (HTTP 504 gateway timeout) ◀ origin',
      "└─ work (backend) 14.9s*  ◀ SLOW: the wait behind POST's timeout",
    ]);
  });

  it('a timeout read from a --timeout limit', () => {
    const view = analyse([{ name: 'call', startMs: 0, endMs: 2000 }], [ms(2000)]);
    expect(linesOf(view)).toEqual(['call (svc) 2.0s*  ✗ TIMEOUT (ran into the 2.0s limit) ◀ origin']);
  });

  it('an orphan names its missing parent, and says when the flags put it in another process', () => {
    const view = analyse([
      { id: '1', name: 'root', startMs: 0, endMs: 10 },
      { id: '2', parent: 'ff', name: 'remote', kind: 'server', startMs: 2, endMs: 4, flags: 0x300 },
      { id: '3', parent: 'ee', name: 'local', startMs: 5, endMs: 6, flags: 0x100 },
      { id: '4', parent: 'dd', name: 'unknown', startMs: 7, endMs: 8 },
    ]);
    expect(linesOf(view)).toEqual([
      'root (svc) 10ms*',
      'remote (svc) 2.0ms  ⚠ parent 00000000000000ff missing (remote caller not collected)',
      'local (svc) 1.0ms  ⚠ parent 00000000000000ee missing',
      'unknown (svc) 1.0ms  ⚠ parent 00000000000000dd missing',
    ]);
  });

  it('a repeated span id is marked on the later span', () => {
    const view = analyse([
      { id: '1', name: 'root', startMs: 0, endMs: 10 },
      { id: '2', parent: '1', name: 'x', startMs: 1, endMs: 3 },
      { id: '2', parent: '1', name: 'y', startMs: 4, endMs: 6 },
    ]);
    expect(linesOf(view)).toEqual([
      'root (svc) 10ms* (self 6.0ms)',
      '├─ x (svc) 2.0ms*',
      '└─ y (svc) 2.0ms*  ⚠ duplicate span id',
    ]);
  });

  it('a parent loop is cut at its earliest span, which is marked', () => {
    const view = analyse([
      { id: 'a', parent: 'b', name: 'A', startMs: 0, endMs: 10 },
      { id: 'b', parent: 'a', name: 'B', startMs: 2, endMs: 8 },
    ]);
    expect(linesOf(view)).toEqual([
      'A (svc) 10ms* (self 4.0ms)  ⚠ parent cycle cut here',
      '└─ B (svc) 6.0ms*',
    ]);
  });

  it('self time is shown only when it is large and not nearly all of the span', () => {
    const withChild = (childEndMs: number) =>
      linesOf(
        analyse([
          { id: '1', name: 'p', startMs: 0, endMs: 100 },
          { id: '2', parent: '1', name: 'c', startMs: 0, endMs: childEndMs },
        ]),
      )[0];
    expect(withChild(20)).toBe('p (svc) 100ms* (self 80ms)');
    // self 90 ms of 100 ms: the children are negligible, the duration says it all
    expect(withChild(10)).toBe('p (svc) 100ms*');
    // self 19 ms: under a fifth of the trace
    expect(withChild(81)).toBe('p (svc) 100ms*');
  });
});

describe('renderTree: limits', () => {
  it('maxSpans: stops after that many span lines and says how many are left', () => {
    const result = renderTree(analyse(CHECKOUT), { ...OPTIONS, maxSpans: 3 });
    expect(result.lines).toEqual([
      'GET /checkout (web) 100ms*',
      '├─ load cart (web) 39ms*',
      '├─ audit (web) 10ms',
      '… 2 more span(s) not shown (--max-spans 3)',
    ]);
    expect(result.shownSpans).toBe(3);
    expect(result.visibleSpans).toBe(5);
  });

  it('maxDepth: a note where spans were left out below', () => {
    expect(linesOf(analyse(CHECKOUT), { maxDepth: 1 })).toEqual([
      'GET /checkout (web) 100ms*',
      '├─ load cart (web) 39ms*',
      '├─ audit (web) 10ms',
      '└─ charge (payments) 60ms* (self 41ms)',
      '   └─ … 1 span(s) below --depth 1',
    ]);
  });

  it('errorsOnly: only the failing chain, with the exception', () => {
    const result = renderTree(analyse(REFUSED), { ...OPTIONS, errorsOnly: true });
    expect(result.lines.map((l) => l.split(' (')[0])).toEqual([
      'get_user_profile',
      '└─ get_user_orders',
      '   ├─ status: orders failed',
      '   └─ GET',
      '      └─ ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001',
    ]);
    expect(result.visibleSpans).toBe(3);
  });
});

describe('renderTree: folding', () => {
  /** A batch of `n` SELECTs 10 ms apart, lasting 2, 3, 1, 4, 2… ms, then a commit. */
  const batch = (n: number, extra: (i: number) => Partial<SpanSpec> = () => ({})) => {
    const lengths = [2, 3, 1, 4, 2, 3];
    return [
      { id: '1', name: 'batch', startMs: 0, endMs: 100 },
      ...Array.from({ length: n }, (_, i) => ({
        id: (0x10 + i).toString(16),
        parent: '1',
        name: 'SELECT',
        service: 'db',
        startMs: 10 * (i + 1),
        endMs: 10 * (i + 1) + lengths[i]!,
        ...extra(i),
      })),
      { id: 'c', parent: '1', name: 'commit', startMs: 80, endMs: 90 },
    ];
  };

  it('folds a run of four or more similar healthy siblings into one line', () => {
    const result = renderTree(analyse(batch(5)), { ...OPTIONS, fold: true });
    expect(result.lines).toEqual([
      'batch (svc) 100ms* (self 78ms)',
      '├─ SELECT (db) ×5  12ms total (1.0ms–4.0ms each)',
      '└─ commit (svc) 10ms*',
    ]);
    expect(result.shownSpans).toBe(7);
  });

  it('without fold, every span has its line', () => {
    expect(linesOf(analyse(batch(5)))).toHaveLength(7);
  });

  it('does not fold a run of three', () => {
    const lines = linesOf(analyse(batch(3)), { fold: true });
    expect(lines.filter((l) => l.includes('SELECT'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('×'))).toBe(false);
  });

  it('counts the child spans a fold hides', () => {
    const specs = [
      ...batch(4),
      { id: '99', parent: '10', name: 'parse', service: 'db', startMs: 10, endMs: 11 },
      { id: '98', parent: '11', name: 'parse', service: 'db', startMs: 20, endMs: 21 },
    ];
    expect(linesOf(analyse(specs), { fold: true })[1]).toBe(
      '├─ SELECT (db) ×4  10ms total (1.0ms–4.0ms each, 2 child span(s) folded)',
    );
  });

  it('counts what a fold stands for as shown: its run and the child spans it folds', () => {
    // batch, 4 SELECTs with a child each, commit, then notify: 11 spans.
    const specs = [
      ...batch(4),
      ...['10', '11', '12', '13'].map((parent, i) => ({
        id: (0x90 + i).toString(16),
        parent,
        name: 'parse',
        service: 'db',
        startMs: 10 * (i + 1),
        endMs: 10 * (i + 1) + 1,
      })),
      { id: 'd', parent: '1', name: 'notify', startMs: 92, endMs: 95 },
    ];
    const whole = renderTree(analyse(specs), { ...OPTIONS, fold: true });
    expect(whole.lines).toHaveLength(4);
    expect(whole.shownSpans).toBe(11);
    expect(whole.visibleSpans).toBe(11);
    // The root and the fold make 1 + 8 spans; with room for 10, only notify is left out.
    const cut = renderTree(analyse(specs), { ...OPTIONS, fold: true, maxSpans: 10 });
    expect(cut.lines.at(-1)).toBe('… 1 more span(s) not shown (--max-spans 10)');
    expect(cut.shownSpans).toBe(10);
  });

  it('never folds a failing span: it breaks the run', () => {
    const lines = linesOf(
      analyse(batch(5, (i) => (i === 2 ? { status: { code: 'error', message: 'deadlock' } } : {}))),
      { fold: true },
    );
    expect(lines.filter((l) => l.includes('SELECT'))).toHaveLength(5);
    expect(lines.some((l) => l.includes('×'))).toBe(false);
  });

  it('never folds a span with trouble below it', () => {
    const specs = [
      ...batch(4),
      {
        id: '99',
        parent: '12',
        name: 'parse',
        service: 'db',
        startMs: 30,
        endMs: 31,
        status: { code: 'error' as const, message: 'syntax' },
      },
    ];
    const lines = linesOf(analyse(specs), { fold: true });
    expect(lines.some((l) => l.includes('×'))).toBe(false);
    // the later SELECT that did not fail reads as a retry: the failure is recovered, still trouble
    expect(lines).toContain('│  └─ parse (db) 1.0ms*  ✗ recovered');
  });

  it('folds only siblings of the same name and service', () => {
    const lines = linesOf(analyse(batch(5, (i) => (i === 4 ? { service: 'cache' } : {}))), { fold: true });
    expect(lines[1]).toBe('├─ SELECT (db) ×4  10ms total (1.0ms–4.0ms each)');
    expect(lines[2]).toBe('├─ SELECT (cache) 2.0ms*');
  });
});

describe('renderTree: timeline', () => {
  /*
   *   a |==========|   0-100
   *   b |=====|        0-50   (ends as c starts: not waited on)
   *   c       |=====|  50-100
   */
  const view = analyse([
    { id: '1', name: 'a', startMs: 0, endMs: 100 },
    { id: '2', parent: '1', name: 'b', startMs: 0, endMs: 50 },
    { id: '3', parent: '1', name: 'c', startMs: 50, endMs: 100 },
  ]);

  it('pads every label to the widest and draws a bar after it', () => {
    // labels 14, 15 and 16 wide; width 40 leaves 40 - 16 - 3 = 21 for a bar (19 cells inside)
    expect(linesOf(view, { timeline: true, width: 40 })).toEqual([
      `a (svc) 100ms*   │${'█'.repeat(19)}│`,
      `├─ b (svc) 50ms  │${'█'.repeat(9)}${' '.repeat(10)}│`,
      `└─ c (svc) 50ms* │${' '.repeat(9)}${'█'.repeat(10)}│`,
    ]);
  });

  it('cuts long labels to 55% of the width (at least 30 columns)', () => {
    const long = analyse([{ name: 'x'.repeat(60), startMs: 0, endMs: 1 }]);
    const [line] = linesOf(long, { timeline: true, width: 40 });
    // 30 columns for the label leave 40 - 30 - 3 = 7 for the bar: it keeps its minimum of 10
    expect(line).toBe(`${'x'.repeat(29)}… │${'█'.repeat(8)}│`);
  });

  it('paints the bar of a failed span as an error, of a critical one as critical', () => {
    const colour = createStyle(true);
    const lines = linesOf(analyse(REFUSED), { timeline: true, width: 100, style: colour });
    // get_user_data: healthy, on the critical chain
    expect(lines[1]).toMatch(/ \u001b\[35m\u001b\[1m│[█ ]+│\u001b\[22m\u001b\[39m$/);
    // GET: failed
    expect(lines[4]).toMatch(/ \u001b\[31m\u001b\[1m│[█ ]+│\u001b\[22m\u001b\[39m$/);
    // notes have no bar
    expect(lines[3]).not.toContain('█');
    const plain = linesOf(analyse(CHECKOUT), { timeline: true, width: 100, style: colour });
    // audit: healthy and off the critical chain
    expect(plain[2]).toMatch(/ +│[█ ]+│$/);
    expect(plain[2]).not.toMatch(/m│[█ ]+│/);
  });

  it('notes get no bar, and no trailing padding', () => {
    const lines = linesOf(analyse(REFUSED), { timeline: true, width: 120 });
    expect(lines[3]).toBe('   ├─ status: orders failed');
    expect(lines[5]).toBe('      └─ ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001');
  });
});

describe('renderTree: timeline in terminal columns', () => {
  beforeAll(loadTextWidths);

  it('every bar starts in the same column, whatever script the names are written in', () => {
    const view = analyse([
      { id: '1', name: 'GET /orders', service: 'web', startMs: 0, endMs: 100 },
      { id: '2', parent: '1', name: '注文を取得する', service: '注文サービス', startMs: 10, endMs: 60 },
      { id: '3', parent: '1', name: '🚚 ship', service: 'web', startMs: 60, endMs: 90 },
    ]);
    const lines = linesOf(view, { timeline: true, width: 100 });
    expect(lines).toHaveLength(3);
    const columns = lines.map((line) => displayWidth(line.slice(0, line.indexOf('│'))));
    // the widest label, '├─ 注文を取得する (注文サービス) 50ms', is 3 + 14 + 2 + 12 + 2 + 4 = 37 columns;
    // then a space, and a bar of 100 - 37 - 3 = 60
    expect(columns).toEqual([38, 38, 38]);
    expect(lines.map(displayWidth)).toEqual([98, 98, 98]);
  });
});

describe('isOnCriticalChain', () => {
  it('holds for spans whose subtree holds at least 1% of the trace on the critical path', () => {
    const view = analyse(CHECKOUT);
    expect(view.tree.nodes.map((n) => [n.span.name, isOnCriticalChain(view, n)])).toEqual([
      ['GET /checkout', true],
      ['load cart', true],
      ['audit', false],
      ['charge', true],
      ['INSERT', true],
    ]);
  });

  it('not for a span with under 1% of the trace', () => {
    const view = analyse([
      { id: '1', name: 'root', startMs: 0, endMs: 1000 },
      { id: '2', parent: '1', name: 'tiny', startMs: 999.995, endMs: 1000 },
    ]);
    expect(isOnCriticalChain(view, view.tree.nodes[1]!)).toBe(false);
  });
});
