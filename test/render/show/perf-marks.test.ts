import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analysis/analyze-trace.js';
import { detectPerf } from '../../../src/analysis/perf/detect-perf.js';
import { DEFAULT_PERF_THRESHOLDS } from '../../../src/analysis/perf/thresholds.js';
import { ShowDocumentSchema } from '../../../src/render/contracts/show.js';
import { buildShowDocument } from '../../../src/render/show/json.js';
import { showReport } from '../../../src/render/show/report.js';
import { renderShowText } from '../../../src/render/show/text.js';
import { renderTree, type TreeOptions } from '../../../src/render/show/tree.js';
import { PLAIN_STYLE } from '../../../src/render/style.js';
import { frozen, makeTrace, type SpanSpec, sid } from '../../helpers/make-span.js';
import { analyse, CHECKOUT, TREE_OPTIONS } from '../../helpers/show-scenarios.js';

/**
 * `show` marks the performance findings of its trace (analysis/perf/detect-perf.ts, with the
 * default thresholds) on the span that made the calls, the shape once under it, and names the
 * biggest saving in the footer.
 */

const query = (id: string, parent: string, startMs: number, endMs: number, statement: string): SpanSpec => ({
  id,
  parent,
  name: 'SELECT orders',
  service: 'user-service',
  kind: 'client',
  startMs,
  endMs,
  attributes: { 'db.system': 'postgresql', 'db.statement': statement },
});

/**
 *   GET /users/{id}  |--SELECT--||--SELECT--|…×12          12 ms each, one after another
 *   ms               10                      154
 */
function usersLoop(calls = 12, statement = (i: number) => `SELECT * FROM orders WHERE id = ${100 + i}`) {
  const specs: SpanSpec[] = [
    { id: '1', name: 'GET /users/{id}', service: 'user-service', kind: 'server', startMs: 0, endMs: 200 },
  ];
  for (let i = 0; i < calls; i++)
    specs.push(query((0x10 + i).toString(16), '1', 10 + i * 12, 21 + i * 12, statement(i)));
  return specs;
}

/** The analysis `show` renders, and the findings `show` works out beside it. */
function shown(specs: readonly SpanSpec[]) {
  const view = analyse(specs);
  return { view, perf: detectPerf(view.tree, DEFAULT_PERF_THRESHOLDS) };
}

const treeOf = (specs: readonly SpanSpec[], options: Partial<TreeOptions> = {}) => {
  const { view, perf } = shown(specs);
  return renderTree(view, { ...TREE_OPTIONS, ...options }, perf).lines;
};

/**
 *   GET /checkout  |--stock--||--price--||--taxes--|        three queries one after another:
 *   ms             10        100        200       300      190 ms to save by running them at once
 */
const CHECKOUT_QUERIES: SpanSpec[] = [
  { id: '1', name: 'GET /checkout', kind: 'server', startMs: 0, endMs: 400 },
  query('2', '1', 10, 100, 'SELECT * FROM stock WHERE sku = $1'),
  query('3', '1', 100, 200, 'SELECT * FROM prices WHERE sku = $1'),
  query('4', '1', 200, 300, 'SELECT * FROM taxes WHERE region = $1'),
];

/** One handler calling 120 URLs, 12 at a time: a fan-out, which claims no saving. */
function feed(parent = '1'): SpanSpec[] {
  const specs: SpanSpec[] = [];
  for (let i = 0; i < 120; i++)
    specs.push({
      id: `${parent}${(0x100 + i).toString(16)}`,
      parent,
      name: 'GET',
      kind: 'client',
      startMs: 1 + (i % 10),
      endMs: 3 + (i % 10),
      attributes: { 'http.request.method': 'GET', 'url.full': `http://posts/posts/${i}` },
    });
  return specs;
}

describe('show: performance findings in the tree', () => {
  it('marks the parent of an N+1 loop with its count and the statement once, dim, under it', () => {
    expect(treeOf(usersLoop(6))).toEqual([
      'GET /users/{id} (user-service) 200ms* (self 134ms)  ◀ N+1 ×6',
      '├─ N+1: SELECT * FROM orders WHERE id = ?',
      '├─ SELECT orders (user-service) → postgresql 11ms*',
      '├─ SELECT orders (user-service) → postgresql 11ms*',
      '├─ SELECT orders (user-service) → postgresql 11ms*',
      '├─ SELECT orders (user-service) → postgresql 11ms*',
      '├─ SELECT orders (user-service) → postgresql 11ms*',
      '└─ SELECT orders (user-service) → postgresql 11ms*',
    ]);
  });

  it('keeps the marker on the parent when folding, --depth or --min-duration hide the calls', () => {
    const specs = usersLoop();
    const head = 'GET /users/{id} (user-service) 200ms* (self 68ms)  ◀ N+1 ×12';
    expect(treeOf(specs, { fold: true })).toEqual([
      head,
      '├─ N+1: SELECT * FROM orders WHERE id = ?',
      '└─ SELECT orders (user-service) ×12  132ms total (11ms–11ms each)',
    ]);
    expect(treeOf(specs, { maxDepth: 0 })).toEqual([
      head,
      '├─ N+1: SELECT * FROM orders WHERE id = ?',
      '└─ … 12 span(s) below --depth 0',
    ]);
    expect(treeOf(specs, { minDuration: 50_000_000n })).toEqual([
      head,
      '└─ N+1: SELECT * FROM orders WHERE id = ?',
    ]);
  });

  it('does not fold away a parent a finding names, nor the spans above it', () => {
    // Five handlers of one name under one root: healthy siblings fold, unless one holds a loop.
    const specs: SpanSpec[] = [{ id: '1', name: 'batch', startMs: 0, endMs: 1000 }];
    for (let h = 0; h < 5; h++) {
      const id = (0x10 + h).toString(16);
      specs.push({ id, parent: '1', name: 'handle', startMs: h * 190, endMs: h * 190 + 180 });
      if (h === 3)
        for (let i = 0; i < 6; i++)
          specs.push(query(`${id}${i}`, id, h * 190 + 5 + i * 15, h * 190 + 18 + i * 15, `SELECT ${i}`));
    }
    const lines = treeOf(specs, { fold: true });
    expect(lines.filter((l) => l.includes('◀ N+1 ×6'))).toEqual(['├─ handle (svc) 180ms*  ◀ N+1 ×6']);
    // Without the finding the five handlers fold into one line.
    const { view } = shown(specs);
    expect(renderTree(view, { ...TREE_OPTIONS, fold: true }).lines).toEqual([
      'batch (svc) 1.0s*',
      '└─ handle (svc) ×5  900ms total (180ms–180ms each, 6 child span(s) folded)',
    ]);
  });

  it('gives each kind its marker: sequential calls with their saving, a retry storm, a redundant read, a fan-out, a pool', () => {
    const sequential = treeOf(CHECKOUT_QUERIES);
    expect(sequential[0]).toBe('GET /checkout (svc) 400ms* (self 110ms)  ◀ sequential ×3, 190ms to save');
    expect(sequential[1]).toBe(
      '├─ sequential: SELECT * FROM stock WHERE sku = $? → SELECT * FROM prices WHERE sku = $? → SELECT * FROM taxes WHERE region = $?',
    );

    const attempts: SpanSpec[] = [{ id: '1', name: 'GET /cart', kind: 'server', startMs: 0, endMs: 100 }];
    for (let i = 0; i < 5; i++)
      attempts.push({
        id: (0x10 + i).toString(16),
        parent: '1',
        name: 'GET',
        kind: 'client',
        startMs: 5 + i * 15,
        endMs: 15 + i * 15,
        attributes: {
          'http.request.method': 'GET',
          'url.full': 'http://stock/items/7',
          'http.response.status_code': i < 4 ? 503 : 200,
        },
      });
    expect(treeOf(attempts)[0]).toMatch(/ {2}◀ retry ×5$/);

    const reads = treeOf([
      { id: '1', name: 'GET /profile', kind: 'server', startMs: 0, endMs: 100 },
      query('2', '1', 5, 25, 'SELECT name FROM users WHERE id = 7'),
      { id: '3', parent: '1', name: 'render', startMs: 30, endMs: 40 },
      query('4', '1', 50, 70, 'SELECT name FROM users WHERE id = 7'),
    ]);
    expect(reads[0]).toMatch(/ {2}◀ redundant ×2$/);
    expect(reads[1]).toBe('├─ redundant: SELECT name FROM users WHERE id = ?');

    const many = treeOf([{ id: '1', name: 'GET /feed', kind: 'server', startMs: 0, endMs: 100 }, ...feed()], {
      fold: true,
    });
    expect(many[0]).toBe('GET /feed (svc) 100ms* (self 89ms)  ◀ fan-out ×120');
    expect(many[1]).toBe('├─ fan-out: GET /posts/{id}');

    // Three at a time, each wave as the one before ends: a pool of 3.
    const waves: SpanSpec[] = [{ id: '1', name: 'GET /stock', kind: 'server', startMs: 0, endMs: 100 }];
    for (let i = 0; i < 9; i++) {
      const start = 5 + Math.floor(i / 3) * 20;
      waves.push(
        query((0x10 + i).toString(16), '1', start, start + 20, 'SELECT * FROM stock WHERE sku = $1'),
      );
    }
    const pool = treeOf(waves, { fold: true });
    expect(pool[0]).toMatch(/ {2}◀ pool of 3$/);
    expect(pool[1]).toBe('├─ pool wait: SELECT * FROM stock WHERE sku = $?');
  });

  it('writes nothing for a trace without findings', () => {
    const { view, perf } = shown(CHECKOUT);
    expect(perf).toEqual([]);
    expect(renderShowText(view, TREE_OPTIONS, perf)).toBe(renderShowText(view, TREE_OPTIONS));
  });
});

describe('show: the biggest saving in the footer', () => {
  it('names the finding that saves most, before the diagnosis', () => {
    const { view, perf } = shown(usersLoop());
    const lines = renderShowText(view, { ...TREE_OPTIONS, fold: true }, perf).split('\n');
    expect(lines.slice(-5)).toEqual([
      '',
      '⚡ Biggest saving: batch the 12 queries of user-service › GET /users/{id} (SELECT * FROM orders WHERE id = ?): ~121ms',
      '',
      '✓ No errors.',
      '',
    ]);
  });

  it('picks the largest saving of several findings; a fan-out saves nothing and is not named', () => {
    // The users loop (121 ms to save) under a checkout's three queries (190 ms), beside a feed.
    const { view, perf } = shown([
      ...CHECKOUT_QUERIES,
      ...usersLoop().map((s) => ({ ...s, id: `a${s.id}`, parent: s.parent ? `a${s.parent}` : '1' })),
      { id: 'f', parent: '1', name: 'GET /feed', startMs: 300, endMs: 320 },
      ...feed('f'),
    ]);
    expect(perf.map((f) => f.kind).sort()).toEqual(['fan-out', 'n-plus-one', 'sequential-calls']);
    const footer = renderShowText(view, { ...TREE_OPTIONS, fold: true }, perf)
      .split('\n')
      .slice(-4);
    expect(footer[0]).toBe(
      '⚡ Biggest saving: run the 3 calls of svc › GET /checkout at once (SELECT * FROM stock WHERE sku = $? → SELECT * FROM prices WHERE sku = $? → SELECT * FROM taxes WHERE region = $?): ~190ms',
    );
    const fanOut = perf.filter((f) => f.kind === 'fan-out');
    expect(renderShowText(view, TREE_OPTIONS, fanOut)).not.toContain('Biggest saving');
  });

  it('escapes and cuts span data in the text, and keeps it whole in JSON', () => {
    const name = `GET /${'a'.repeat(3000)}`;
    const specs = usersLoop(6, (i) => `SELECT * FROM orders\u202e WHERE id = ${i}`).map((s) =>
      s.id === '1' ? { ...s, name } : s,
    );
    const { view, perf } = shown(specs);
    const lines = renderShowText(view, TREE_OPTIONS, perf).split('\n');
    expect(lines).toContain('├─ N+1: SELECT * FROM orders\\u{202e} WHERE id = ?');
    const footer = lines.find((l) => l.startsWith('⚡'))!;
    expect(footer).toMatch(
      /^⚡ Biggest saving: batch the 6 queries of user-service › GET \/a{195}…\(\+2,805 chars\) \(SELECT/,
    );
    const [json] = buildShowDocument(view, perf).perfFindings;
    expect(json).toMatchObject({ operation: name, shape: 'SELECT * FROM orders\u202e WHERE id = ?' });
    expect(json!.text).toBe(
      `user-service › ${name} makes 6 queries one by one: SELECT * FROM orders\\u{202e} WHERE id = ?`,
    );
  });
});

describe('show: performance findings as data', () => {
  it('adds perfFindings to the JSON document: the kind, the parent, the calls, the saving', () => {
    const { view, perf } = shown(usersLoop(6));
    const doc = buildShowDocument(view, perf);
    expect(ShowDocumentSchema.safeParse(JSON.parse(JSON.stringify(doc))).error).toBeUndefined();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.perfFindings).toEqual([
      {
        kind: 'n-plus-one',
        traceId: view.tree.traceId,
        spanId: sid('1'),
        service: 'user-service',
        operation: 'GET /users/{id}',
        shape: 'SELECT * FROM orders WHERE id = ?',
        savedMs: 55,
        text: 'user-service › GET /users/{id} makes 6 queries one by one: SELECT * FROM orders WHERE id = ?',
        count: 6,
        callSpanIds: ['10', '11', '12', '13', '14', '15'].map(sid),
        family: 'db',
        peer: 'postgresql',
        totalMs: 66,
      },
    ]);
    // The spans and their markers are what they were.
    expect(doc.spans).toEqual(buildShowDocument(view).spans);
    expect(buildShowDocument(view).perfFindings).toEqual([]);
  });

  it('adds a passed warning check per finding for the CI formats; the verdict still decides', () => {
    const { view, perf } = shown(usersLoop(6));
    const { style: _style, width: _width, ...textOptions } = TREE_OPTIONS;
    const report = showReport(view, textOptions, perf);
    expect(report.checks.map((c) => [c.name, c.status, c.severity, c.message])).toEqual([
      [`GET /users/{id} (user-service) ${view.tree.traceId}`, 'passed', 'error', 'No errors.'],
      [
        'N+1 1: user-service › GET /users/{id}',
        'passed',
        'warning',
        'user-service › GET /users/{id} makes 6 queries one by one: SELECT * FROM orders WHERE id = ?; 55ms to save',
      ],
    ]);
    expect(report.text(PLAIN_STYLE, 80)).toContain('◀ N+1 ×6');
  });

  it('reads the trace without modifying it', () => {
    const trace = frozen(makeTrace(usersLoop(6)));
    const view = analyzeTrace(trace, { limits: [] });
    const perf = detectPerf(view.tree, DEFAULT_PERF_THRESHOLDS);
    expect(perf.map((f) => f.kind)).toEqual(['n-plus-one']);
    expect(renderShowText(view, TREE_OPTIONS, perf)).toContain('◀ N+1 ×6');
    expect(buildShowDocument(view, perf).perfFindings).toHaveLength(1);
  });
});
