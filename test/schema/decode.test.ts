import { describe, expect, it } from 'vitest';
import { decodeDocument, INPUT_FORMATS } from '../../src/schema/decode.js';
import { collecting, inputErrorOf } from '../helpers/collect.js';
import { DOC_TRACE_ID, otlpDocument, spanHex } from '../helpers/otlp-doc.js';

const OTLP = otlpDocument([{ id: 1, name: 'GET /orders', service: 'shop', kind: 2, startMs: 0, endMs: 5 }]);

/** A Jaeger v1 trace of one span: µs times, a process by id. */
const JAEGER_TRACE = {
  traceID: 'a3ce929d0e0e4736',
  spans: [
    {
      traceID: 'a3ce929d0e0e4736',
      spanID: '00f067aa0ba902b7',
      operationName: 'HTTP GET /dispatch',
      references: [],
      startTime: 1_700_000_000_000_000,
      duration: 2_500,
      tags: [],
      logs: [],
      processID: 'p1',
    },
  ],
  processes: { p1: { serviceName: 'frontend', tags: [] } },
};

describe('decodeDocument', () => {
  it('knows the three input formats', () => {
    expect(INPUT_FORMATS).toEqual(['auto', 'otlp', 'jaeger']);
  });

  it('auto: decodes OTLP/JSON', () => {
    const { spans, sink, ctx } = collecting();
    expect(decodeDocument(OTLP, ctx, sink, 'auto')).toBe('decoded');
    expect(spans).toMatchObject([
      { traceId: DOC_TRACE_ID, spanId: spanHex(1), name: 'GET /orders', service: 'shop', kind: 'server' },
    ]);
  });

  it('auto: decodes Jaeger JSON, in its envelope, bare and as an array', () => {
    for (const doc of [{ data: [JAEGER_TRACE] }, JAEGER_TRACE, [JAEGER_TRACE]]) {
      const { spans, sink, ctx } = collecting();
      expect(decodeDocument(doc, ctx, sink, 'auto')).toBe('decoded');
      expect(spans).toMatchObject([
        {
          traceId: '0000000000000000a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          name: 'HTTP GET /dispatch',
          service: 'frontend',
          start: 1_700_000_000_000_000_000n,
          end: 1_700_000_000_002_500_000n,
        },
      ]);
    }
  });

  it('skips the metrics and logs lines of a Collector export, in auto and otlp formats', () => {
    for (const doc of [{ resourceMetrics: [] }, { resourceLogs: [] }, { resource_logs: [] }]) {
      for (const format of ['auto', 'otlp'] as const) {
        const { spans, sink, ctx } = collecting();
        expect(decodeDocument(doc, ctx, sink, format)).toBe('skipped');
        expect(spans).toEqual([]);
      }
    }
  });

  it('otlp: decodes a line holding traces along with another signal', () => {
    const { spans, sink, ctx } = collecting();
    expect(decodeDocument({ ...OTLP, resourceMetrics: [] }, ctx, sink, 'otlp')).toBe('decoded');
    expect(spans).toHaveLength(1);
  });

  it('a forced format decodes what auto would not recognise, and refuses what it cannot read', () => {
    const { sink, ctx } = collecting('forced.json', 7);
    expect(inputErrorOf(() => decodeDocument({ data: 1 }, ctx, sink, 'otlp')).message).toBe(
      'forced.json:7: (document): expected an OTLP document with "resourceSpans"',
    );
    expect(inputErrorOf(() => decodeDocument(42, ctx, sink, 'jaeger')).message).toBe(
      'forced.json:7: (document): expected Jaeger JSON, got number 42',
    );
  });

  it('says a trace-summaries or search answer holds no spans, and what to fetch instead', () => {
    const { sink, ctx } = collecting('answer.json', 1);
    const summaries = inputErrorOf(() => decodeDocument({ summaries: [] }, ctx, sink, 'auto'));
    expect(summaries.message).toBe(
      'answer.json:1: summaries: a Jaeger trace-summaries response holds no spans',
    );
    expect(summaries.hint).toBe('fetch the traces themselves (/api/v3/traces/{id}) and pass those');
    const search = inputErrorOf(() => decodeDocument({ traces: [{ traceID: 'ab' }] }, ctx, sink, 'auto'));
    expect(search.message).toBe('answer.json:1: traces: a Tempo search response holds no spans');
    expect(search.hint).toBe('fetch each trace (/api/traces/<id>)');
  });

  it('names what it found in a document that is no trace, with a hint at the formats', () => {
    const { sink, ctx } = collecting('x.json', 2);
    const message = (doc: unknown) => inputErrorOf(() => decodeDocument(doc, ctx, sink, 'auto')).message;
    expect(message({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })).toBe(
      'x.json:2: (document): not a trace document: found an object with keys "a", "b", "c", "d", "e"',
    );
    expect(message([])).toBe(
      'x.json:2: (document): not a trace document: found an array that is not of Jaeger traces',
    );
    expect(message([1, 2])).toBe(
      'x.json:2: (document): not a trace document: found an array that is not of Jaeger traces',
    );
    expect(message(null)).toBe('x.json:2: (document): not a trace document: found null');
    expect(message('text')).toBe('x.json:2: (document): not a trace document: found string');
    expect(inputErrorOf(() => decodeDocument({ a: 1 }, ctx, sink, 'auto')).hint).toBe(
      'expected OTLP JSON ("resourceSpans"/"batches"), Collector JSON Lines, or Jaeger JSON ("data"/"traceID"); force with --input-format',
    );
  });
});
