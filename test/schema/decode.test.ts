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
  it('knows the four input formats', () => {
    expect(INPUT_FORMATS).toEqual(['auto', 'otlp', 'jaeger', 'zipkin']);
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
    expect(message([])).toBe('x.json:2: (document): not a trace document: found an array of something else');
    expect(message([1, 2])).toBe(
      'x.json:2: (document): not a trace document: found an array of something else',
    );
    expect(message(null)).toBe('x.json:2: (document): not a trace document: found null');
    expect(message('text')).toBe('x.json:2: (document): not a trace document: found string');
    expect(inputErrorOf(() => decodeDocument({ a: 1 }, ctx, sink, 'auto')).hint).toBe(
      'expected OTLP JSON ("resourceSpans"/"batches"), Collector JSON Lines, Jaeger JSON ("data"/"traceID") or Zipkin v2 JSON (a list of spans)',
    );
  });

  it('a forced format on a document of another format says what the document is', () => {
    const { sink, ctx } = collecting('spans.json', 1);
    const zipkin = [{ traceId: 'a3ce929d0e0e4736', id: '00f067aa0ba902b7', timestamp: 1, duration: 1 }];
    const refused = inputErrorOf(() => decodeDocument(zipkin, ctx, sink, 'jaeger'));
    expect(refused.message).toBe('spans.json:1: (document): not Jaeger JSON: this is Zipkin v2 JSON');
    expect(refused.hint).toBe('leave out --input-format (or pass auto) to read it as what it is');
    expect(inputErrorOf(() => decodeDocument(OTLP, ctx, sink, 'zipkin')).message).toBe(
      'spans.json:1: (document): not Zipkin v2 JSON: this is OTLP JSON',
    );
    // A field that is not there is named as such, never "undefined undefined".
    expect(inputErrorOf(() => decodeDocument({ spans: 1 }, ctx, sink, 'jaeger')).message).toBe(
      'spans.json:1: spans: expected an array of spans, got number 1',
    );
    expect(inputErrorOf(() => decodeDocument([{ traceID: 'ab' }], ctx, sink, 'jaeger')).message).toBe(
      'spans.json:1: [0].spans: expected an array of spans, got nothing (no such field)',
    );
  });

  it("auto: decodes Zipkin v2 JSON, a trace's list of spans and a search's list of traces", () => {
    const span = {
      traceId: 'a3ce929d0e0e4736',
      id: '00f067aa0ba902b7',
      name: 'get',
      timestamp: 1_700_000_000_000_000,
      duration: 2_500,
      localEndpoint: { serviceName: 'frontend' },
    };
    for (const doc of [[span], [[span]]]) {
      const { spans, sink, ctx } = collecting();
      expect(decodeDocument(doc, ctx, sink, 'auto')).toBe('decoded');
      expect(spans).toMatchObject([
        {
          traceId: '0000000000000000a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          service: 'frontend',
          end: 1_700_000_000_002_500_000n,
        },
      ]);
    }
  });

  it("auto: decodes Jaeger UI's saved fetch state and OTLP under traces (Grafana Faro)", () => {
    const saved = { data: JAEGER_TRACE, id: 'a3ce929d0e0e4736', state: 'FETCH_DONE' };
    const faro = { meta: { app: { name: 'shop' } }, logs: [], traces: OTLP };
    for (const doc of [saved, faro]) {
      const { spans, sink, ctx } = collecting();
      expect(decodeDocument(doc, ctx, sink, 'auto')).toBe('decoded');
      expect(spans).toHaveLength(1);
    }
  });

  it('names the trace formats it does not read, and says what to do', () => {
    const { sink, ctx } = collecting('x.json', 1);
    const refusal = (doc: unknown) => {
      const error = inputErrorOf(() => decodeDocument(doc, ctx, sink, 'auto'));
      return `${error.message} | ${error.hint}`;
    };
    expect(refusal([{ traceId: 'ab', id: 'cd', binaryAnnotations: [] }])).toBe(
      "x.json:1: [0].binaryAnnotations: Zipkin v1 JSON (binaryAnnotations), which otrace does not read | fetch the trace from Zipkin's v2 API (/api/v2/trace/{id}), which answers v2 JSON",
    );
    expect(
      refusal([{ _index: 'jaeger-span-2026-12-01', _source: { traceID: 'ab', spanID: 'cd' } }]),
    ).toContain('Elasticsearch/OpenSearch span documents (Jaeger storage)');
    expect(refusal({ hits: { hits: [] }, took: 3 })).toContain('an Elasticsearch/OpenSearch search response');
    expect(
      refusal({ process: { serviceName: 'a' }, spans: [{ traceIdLow: 1, traceIdHigh: 0, spanId: 2 }] }),
    ).toContain('Jaeger Thrift JSON (numeric ids)');
    expect(
      refusal([{ traceID: 'ab', spanID: 'cd', serviceName: 'a', name: 'x', durationNano: 5 }]),
    ).toContain('span rows from a database (SigNoz, ClickHouse)');
  });
});
