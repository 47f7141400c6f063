import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { spanCompactor } from '../../src/analysis/compact-span.js';
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
const files = [
  ...[SEED, PROPAGATION].flatMap((dir) =>
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
