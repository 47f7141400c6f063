import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { InputError } from '../../src/errors.js';
import { loadFile } from '../helpers/load-file.js';
import { frozen } from '../helpers/make-span.js';

/** The analysis over every real file that loads, and the known answers their sources give. */
const ROOT = new URL('../../../shared/fixtures-real/', import.meta.url);
const present = existsSync(ROOT);
const OTLP = new URL('otlp/', ROOT);

describe.skipIf(!present)('analysis of real fixtures (skipped: ../shared/fixtures-real absent)', () => {
  const files = present
    ? ['otlp/', 'jaeger/'].flatMap((dir) =>
        readdirSync(new URL(dir, ROOT))
          .filter((f) => f !== 'SOURCES.md')
          .map((f) => `${dir}${f}`),
      )
    : [];

  it.each(files)('%s: every trace analyses without touching its input', async (name) => {
    let loaded: Awaited<ReturnType<typeof loadFile>>;
    try {
      loaded = await loadFile(new URL(name, ROOT));
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return;
    }
    for (const trace of loaded.traces) {
      const analysis = analyzeTrace(frozen(trace), { limits: [] });
      expect(analysis.tree.nodes).toHaveLength(trace.spans.length);
      expect(analysis.facts).toHaveLength(trace.spans.length);
    }
  });

  it('masked timeout: the slow span behind the proxy 504 is frontend POST 909a94f934468e91', async () => {
    const { traces } = await loadFile(
      new URL(
        'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__mcptools__internal__handlers__testdata__skills__error_timeout_masked.json',
        OTLP,
      ),
    );
    const analysis = analyzeTrace(traces[0]!, { limits: [] });
    const slow = analysis.findings.filter((f) => f.kind === 'slow-span-behind-timeout');
    expect(slow.map((f) => f.spanId)).toEqual(['909a94f934468e91']);
    expect(analysis.diagnosis).toMatchObject({
      kind: 'timed-out',
      to: 'frontend',
      slowSpan: { spanId: '909a94f934468e91' },
    });
    expect(analysis.findings.some((f) => f.kind === 'timeout' && f.reason.source === 'http-status')).toBe(
      true,
    );
  });

  it('sibling errors: the earlier failing branch (payment) is named the cause', async () => {
    const { traces } = await loadFile(
      new URL(
        'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__mcptools__internal__handlers__testdata__skills__sibling_errors.json',
        OTLP,
      ),
    );
    const analysis = analyzeTrace(traces[0]!, { limits: [] });
    expect(analysis.diagnosis).toMatchObject({
      kind: 'failed',
      origin: { service: 'payment' },
      otherOrigins: 1,
    });
  });

  it('Tempo trace with a failed insert: the pg span is the origin', async () => {
    const { traces } = await loadFile(
      new URL(
        'grafana__tempo__modules__generator__processor__servicegraphs__testdata__trace-with-failed-requests.json',
        OTLP,
      ),
    );
    const analysis = analyzeTrace(traces[0]!, { limits: [] });
    const origins = analysis.findings.filter((f) => f.kind === 'error-origin');
    expect(origins.map((f) => f.kind === 'error-origin' && f.name)).toEqual(['pg.query:INSERT']);
  });
});
