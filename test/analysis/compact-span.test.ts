import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { ATTRIBUTES_READ, spanCompactor } from '../../src/analysis/compact-span.js';
import { collectErrorRecords } from '../../src/analysis/error-records.js';
import { checkPropagation } from '../../src/analysis/propagation/check-propagation.js';
import { summarizeTrace } from '../../src/analysis/summarize-trace.js';
import { buildTree } from '../../src/model/build-tree.js';
import type { Trace } from '../../src/model/types.js';
import { loadFile } from '../helpers/load-file.js';
import { frozen, makeSpan } from '../helpers/make-span.js';

/**
 * Commands over many traces keep a compact copy of each span. Every verdict must come out the
 * same from the compact copy as from the full span, on every fixture we have.
 */
const SEED = new URL('../../fixtures/seed/', import.meta.url);
const PROPAGATION = new URL('../../fixtures/propagation/', import.meta.url);
const REAL = new URL('../../../shared/fixtures-real/', import.meta.url);
const RECORDED = new URL('../../fixtures/jaeger-v2/answers/', import.meta.url);
const files = [
  ...[SEED, PROPAGATION, RECORDED].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'))
      .map((f) => new URL(f, dir)),
  ),
  ...(existsSync(REAL)
    ? ['otlp/', 'jaeger/'].flatMap((dir) =>
        readdirSync(new URL(dir, REAL))
          .filter((f) => f !== 'SOURCES.md')
          .map((f) => new URL(`${dir}${f}`, REAL)),
      )
    : []),
];

/** Everything the analysis concludes about a trace, as plain data. */
function verdicts(trace: Trace) {
  const analysis = analyzeTrace(trace, { limits: [] });
  return JSON.parse(
    JSON.stringify(
      {
        facts: analysis.facts.map((f) => ({
          ...f,
          recoveredBy: f.recoveredBy?.index,
          slowBehind: f.slowBehind?.index,
        })),
        findings: analysis.findings,
        diagnosis: analysis.diagnosis,
        records: collectErrorRecords(analysis, undefined),
        summary: summarizeTrace(trace),
      },
      (_key, value) => (typeof value === 'bigint' ? String(value) : value),
    ),
  );
}

describe('spanCompactor', () => {
  it.each(files.map((url) => [url.pathname.split('/').slice(-2).join('/'), url] as const))(
    '%s: same verdicts from compact spans',
    async (_name, url) => {
      let full: Awaited<ReturnType<typeof loadFile>>;
      try {
        full = await loadFile(url);
      } catch {
        return; // refused input: covered by the schema tests
      }
      const compact = await loadFile(url, spanCompactor());
      expect(compact.traces.map((t) => t.traceId)).toEqual(full.traces.map((t) => t.traceId));
      full.traces.forEach((trace, i) => {
        expect(verdicts(compact.traces[i]!)).toEqual(verdicts(trace));
      });
      const propagation = (traces: readonly Trace[]) =>
        checkPropagation(traces.map(buildTree), { external: new Set() });
      expect(propagation(compact.traces)).toEqual(propagation(full.traces));
    },
  );

  it('keeps the keys a search names, drops the rest, and leaves its input alone', () => {
    const span = frozen(
      makeSpan({
        attributes: {
          'http.response.status_code': 500,
          'deployment.slot': 'blue',
          'user_agent.original': 'x',
        },
        events: [
          { name: 'cache miss', time: 0n as never, attributes: {} },
          { name: 'exception', time: 0n as never, attributes: { 'exception.type': 'E' } },
        ],
      }),
    );
    const compact = spanCompactor(['deployment.slot'])(span);
    expect(compact.attributes).toEqual({ 'http.response.status_code': 500, 'deployment.slot': 'blue' });
    expect(compact.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.attributes['user_agent.original']).toBe('x');
    expect(span.events).toHaveLength(2);
  });
});

describe('ATTRIBUTES_READ, the list compact spans keep', () => {
  it('holds every span attribute the analysis of commands over many traces reads, on every fixture', async () => {
    const read = new Set<string>();
    const recording = (trace: Trace): Trace => ({
      ...trace,
      spans: trace.spans.map((span) => ({
        ...span,
        attributes: new Proxy(span.attributes, {
          get: (target, key) => {
            if (typeof key === 'string') read.add(key);
            return Reflect.get(target, key);
          },
          has: (target, key) => {
            if (typeof key === 'string') read.add(key);
            return Reflect.has(target, key);
          },
        }),
      })),
    });
    let traces = 0;
    for (const url of files) {
      let loaded: Awaited<ReturnType<typeof loadFile>>;
      try {
        loaded = await loadFile(url);
      } catch {
        continue;
      }
      const recorded = loaded.traces.map(recording);
      traces += recorded.length;
      for (const trace of recorded) verdicts(trace);
      checkPropagation(recorded.map(buildTree), { external: new Set() });
    }
    expect(traces).toBeGreaterThan(30);
    expect(read.size).toBeGreaterThan(10);
    // A key read here and missing from the list would be dropped from compact spans, and the
    // commands over many traces would conclude otherwise than show.
    expect([...read].filter((key) => !ATTRIBUTES_READ.includes(key))).toEqual([]);
  });
});
