import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadFile } from '../helpers/load-file.js';

/**
 * Every real OTLP-family file in ../shared/fixtures-real/otlp/ loads, with facts from its
 * SOURCES.md checked. The folder sits beside the clone in CI; a user's clone does not have it.
 */
const DIR = new URL('../../../shared/fixtures-real/otlp/', import.meta.url);
const present = existsSync(DIR);

const load = (name: string) => loadFile(new URL(name, DIR));

describe.skipIf(!present)('real OTLP fixtures (skipped: ../shared/fixtures-real absent)', () => {
  const files = present ? readdirSync(DIR).filter((f) => f !== 'SOURCES.md') : [];

  it.each(files)('%s loads or is refused with one line', async (name) => {
    try {
      const { spans } = await load(name);
      expect(spans.length).toBeGreaterThan(0);
      for (const span of spans) {
        expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
        expect(span.end >= span.start || span.end === 0n).toBe(true);
      }
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('proto example: uppercase hex ids become lowercase', async () => {
    const { spans } = await load('open-telemetry__opentelemetry-proto__examples__trace.json');
    expect(spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.kind])).toEqual([
      ['5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174', 'eee19b7ec3c1b173', 'server'],
    ]);
  });

  it('Tempo batches with base64 ids and enum names', async () => {
    const { spans } = await load(
      'grafana__tempo__modules__generator__processor__servicegraphs__testdata__trace-with-failed-requests.json',
    );
    const failed = spans.filter((s) => s.status.code === 'error');
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['mythical-requester', 'mythical-server']));
  });

  it('Grafana snake_case file with numeric nanoseconds and an all-zero root parent', async () => {
    const { traces, spans } = await load('grafana__grafana__pkg__tsdb__tempo__testData__trace.json');
    expect(traces).toHaveLength(1);
    expect(spans).toHaveLength(30);
    expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(1);
    expect(spans.every((s) => s.start > 1_600_000_000_000_000_000n)).toBe(true);
  });

  it('deprecated instrumentationLibrarySpans with placeholder links', async () => {
    const { spans, warnings } = await load(
      'grafana__grafana__public__app__plugins__datasource__tempo__mockJsonResponse.json',
    );
    expect(spans.length).toBeGreaterThan(0);
    expect(warnings.some((w) => w.includes('link ids are not usable ids'))).toBe(true);
  });

  it('Collector JSON Lines mixing traces, metrics and logs: non-trace lines are skipped', async () => {
    const { spans, skipped } = await load('ymtdzzz__otel-tui__test_data.json');
    expect(skipped).toBe(13);
    expect(spans.length).toBeGreaterThan(100);
    expect(new Set(spans.map((s) => s.service)).size).toBeGreaterThan(5);
  });

  it('JSON Lines with children before parents form one trace', async () => {
    const { traces } = await load(
      'jaegertracing__jaeger-ui__packages__jaeger-ui__src__utils__fixtures__otlp2jaeger-multi-in.json.txt',
    );
    expect(traces).toHaveLength(1);
    expect(traces[0]!.spans).toHaveLength(4);
  });

  it('Jaeger v3 GetTrace: wrapped in result, no timestamps', async () => {
    const { spans, warnings } = await load(
      'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__apiv3__snapshots__GetTrace.json',
    );
    expect(spans).toHaveLength(1);
    expect(spans[0]!.status.code).toBe('error');
    expect(spans[0]!.service).toBe('unknown_service');
    expect(warnings.some((w) => w.includes('no start/end time'))).toBe(true);
  });

  it('enum-name statuses in the sibling-errors trace', async () => {
    const { spans } = await load(
      'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__mcptools__internal__handlers__testdata__skills__sibling_errors.json',
    );
    expect(spans).toHaveLength(6);
    expect(spans.filter((s) => s.status.code === 'error').length).toBeGreaterThanOrEqual(2);
  });
});
