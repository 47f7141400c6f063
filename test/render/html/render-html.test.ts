import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { namedTraceIds } from '../../../src/render/html/named-traces.js';
import { buildPageData, MAX_TABLE_ROWS, quoteDocument } from '../../../src/render/html/page-data.js';
import { embedJson, renderHtml } from '../../../src/render/html/render-html.js';
import { marksOf } from '../../../src/render/html/span-marks.js';
import { colourOf } from '../../../src/render/html/trace-data.js';
import { showReport } from '../../../src/render/show/report.js';
import { PLAIN_STYLE } from '../../../src/render/style.js';
import { tid } from '../../helpers/make-span.js';
import { analyse, REFUSED, TREE_OPTIONS } from '../../helpers/show-scenarios.js';
import { inlineBlocks, pageData } from './html-report.js';

/**
 * The html format without a browser: the page's policy allows exactly its own script and style,
 * span data cannot leave the JSON block, the data is compact, and the markers are the text view's.
 * (What the page does with it, in Chromium: page.test.ts, hostile.test.ts, large-trace.test.ts.)
 */
const { style: _style, width: _width, ...textOptions } = TREE_OPTIONS;

function showPage(specs: Parameters<typeof analyse>[0]) {
  const view = analyse(specs);
  const report = showReport(view, textOptions);
  return {
    view,
    report,
    html: renderHtml({
      ...report,
      drawing: { traces: [{ view, perfFindings: [] }], documentTables: false, notes: [] },
    }),
  };
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('renderHtml', () => {
  const { html } = showPage(REFUSED);

  it('allows its own inline script and style by hash, and nothing else at all', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(policy).toBeDefined();
    const directives = new Map(policy!.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    const { script, style } = inlineBlocks(html);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual([sha256(script)]);
    expect(directives.get('style-src')).toEqual([sha256(style)]);
    expect(directives.has('connect-src')).toBe(false);
    expect(policy).not.toContain('unsafe');
    // The policy comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('loads nothing: no src, no external link, no URL outside the data', () => {
    const markup = html.replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/, '');
    expect(markup).not.toMatch(/\ssrc=/i);
    expect(markup).not.toMatch(/https?:|\/\/[a-z]/i);
    expect([...markup.matchAll(/<link [^>]*>/g)].map((m) => m[0])).toEqual([
      '<link rel="icon" href="data:,">',
    ]);
  });

  it('puts span data in the JSON block only, where nothing can close the element', () => {
    const hostile = '</script><script>alert(1)</script><!-- \u2028\u2029 & <b>';
    const page = showPage([
      {
        id: '1',
        name: hostile,
        service: '<img src=x onerror=alert(2)>',
        attributes: { 'url.full': 'javascript:alert(3)' },
      },
    ]).html;
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/[\u2028\u2029]/);
    const data = pageData(page);
    // Escaped as every text format escapes span data: the separators visible, the markup as text.
    expect(data.strings).toContain('</script><script>alert(1)</script><!-- \\u{2028}\\u{2029} & <b>');
    expect(data.strings).toContain('<img src=x onerror=alert(2)>');
    expect(data.strings).toContain('javascript:alert(3)');
  });

  it('escapes what could end a script element, and JSON.parse reads it back exactly', () => {
    const value = { a: '</script>', b: '<!--', c: '&amp;', d: '\u2028\u2029', e: ['>'] };
    const embedded = embedJson(value);
    expect(embedded).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(embedded)).toEqual(value);
  });

  it('stores a repeated string once: 1,000 spans of one name and service', () => {
    const specs = [
      { id: '1', name: 'root', service: 'web' },
      ...Array.from({ length: 999 }, (_, i) => ({
        id: (i + 2).toString(16),
        parent: '1',
        name: 'SELECT orders',
        service: 'db',
        attributes: { 'db.system.name': 'postgresql' },
      })),
    ];
    const data = pageData(showPage(specs).html);
    const count = (s: string) => data.strings.filter((x) => x === s).length;
    expect(count('SELECT orders')).toBe(1);
    expect(count('postgresql')).toBe(1);
    const trace = data.traces[0]!;
    expect(trace.name).toHaveLength(1000);
    expect(new Set(trace.name.slice(1)).size).toBe(1);
    expect(trace.services).toHaveLength(2);
  });

  it('marks a span as the text view does', () => {
    const { view, report } = showPage(REFUSED);
    const text = report.text(PLAIN_STYLE, 200);
    const origin = view.tree.nodes.find((n) => view.facts[n.index]!.role === 'origin')!;
    const marks = marksOf(view, origin, undefined).map((m) => m.text);
    expect(marks).toContain('◀ origin');
    const line = text.split('\n').find((l) => l.includes('◀ origin'))!;
    for (const mark of marks) expect(line).toContain(mark);
  });

  it('gives a service the same colour in every report', () => {
    expect(colourOf('checkout')).toBe(colourOf('checkout'));
    const colours = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s) => colourOf(`service-${s}`)));
    expect(colours.size).toBeGreaterThan(3);
  });
});

describe('the document as tables', () => {
  it('quotes every string, keeps the fields in order, cuts long arrays, and leaves the document alone', () => {
    const document = Object.freeze({
      z: 'first\u202e',
      a: Object.freeze(Array.from({ length: MAX_TABLE_ROWS + 5 }, (_, i) => Object.freeze({ i }))),
    });
    const copy = quoteDocument(document) as { z: string; a: unknown[] };
    expect(Object.keys(copy)).toEqual(['z', 'a']);
    expect(copy.z).toBe('first\\u{202e}');
    expect(copy.a).toHaveLength(MAX_TABLE_ROWS + 1);
    expect(copy.a[0]).toEqual({ i: 0 });
    expect(copy.a.at(-1)).toMatch(/^… 5 more rows/);
  });

  it('show draws its trace instead of tables; other reports keep their document', () => {
    const { view, report } = showPage(REFUSED);
    const drawn = { traces: [{ view, perfFindings: [] }], notes: [] };
    expect(buildPageData({ ...report, drawing: { ...drawn, documentTables: false } }).document).toBeNull();
    expect(buildPageData(report).document).toMatchObject({ traceId: view.tree.traceId });
  });
});

describe('namedTraceIds', () => {
  it('finds the traces a document names, once each, in reading order', () => {
    const [a, b, c] = [tid('a'), tid('b'), tid('c')];
    const document = {
      traceId: 'not an id',
      groups: [{ examples: [b, a] }, { examples: [a] }],
      findings: [{ traceId: c, relatedTraceId: b, spanId: '00000000000000aa' }],
      nested: { example: { traceId: a } },
    };
    expect(namedTraceIds(document)).toEqual([b, a, c]);
    expect(namedTraceIds({ list: [], n: 1 })).toEqual([]);
  });
});
