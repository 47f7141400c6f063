import { describe, expect, it } from 'vitest';
import { spanCompactor } from '../../src/analysis/compact-span.js';
import { InputError } from '../../src/errors.js';
import type { TraceId } from '../../src/model/types.js';
import { decodeTraces, TraceDecoder } from '../../src/pipeline/decode-traces.js';
import type { LocatedWarning } from '../../src/schema/decode-context.js';
import { otlpDocument } from '../helpers/otlp-doc.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' as TraceId;
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' as TraceId;

/** Two traces: B starts first (at 0 ms), A at 5 ms; each with a root and a child. */
const TWO_TRACES = otlpDocument([
  { id: 1, name: 'GET /a', service: 'front', kind: 2, startMs: 5, endMs: 50, traceId: A },
  { id: 2, parent: 1, name: 'query', service: 'db', startMs: 10, endMs: 20, traceId: A },
  { id: 3, name: 'GET /b', service: 'front', kind: 2, startMs: 0, endMs: 30, traceId: B },
  { id: 4, parent: 3, name: 'work', service: 'front', startMs: 1, endMs: 2, traceId: B },
]);

/** One OTLP span with neither start nor end time: decoded with a warning. */
const NO_TIMES = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [{ spans: [{ traceId: A, spanId: '00000000000000aa', name: 'timeless', kind: 1 }] }],
    },
  ],
};

function collectWarnings() {
  const messages: string[] = [];
  return { messages, warn: (message: string) => messages.push(message) };
}

describe('TraceDecoder', () => {
  it('groups spans by trace across documents, ordered by earliest start then id', () => {
    const { messages, warn } = collectWarnings();
    const decoder = new TraceDecoder({ warn });
    // A's child comes in a later document, before its root's trace is complete.
    const [first, second] = [
      otlpDocument([{ id: 2, parent: 1, name: 'query', service: 'db', startMs: 10, endMs: 20, traceId: A }]),
      otlpDocument([
        { id: 1, name: 'GET /a', service: 'front', kind: 2, startMs: 5, endMs: 50, traceId: A },
        { id: 9, name: 'GET /b', service: 'front', kind: 2, startMs: 5, endMs: 6, traceId: B },
      ]),
    ];
    decoder.add(first, 'in.jsonl', 1);
    decoder.add(second, 'in.jsonl', 2);
    const traces = decoder.traces();
    // Same earliest start (5 ms): the id decides.
    expect(traces.map((t) => t.traceId)).toEqual([A, B]);
    expect(traces[0]!.spans.map((s) => [s.name, s.origin.line])).toEqual([
      ['query', 1],
      ['GET /a', 2],
    ]);
    expect(decoder.skippedDocuments).toBe(0);
    expect(messages).toEqual([]);
  });

  it('counts the metrics and logs documents it skips, and decodes the traces among them', () => {
    const decoder = new TraceDecoder({ warn: () => {} });
    decoder.add({ resourceMetrics: [] }, 'export.jsonl', 1);
    decoder.add(TWO_TRACES, 'export.jsonl', 2);
    decoder.add({ resourceLogs: [] }, 'export.jsonl', 3);
    decoder.add({ resource_metrics: [] }, 'export.jsonl', 4);
    expect(decoder.skippedDocuments).toBe(3);
    expect(decoder.traces().map((t) => t.traceId)).toEqual([B, A]);
  });

  it('skips metrics even when the format is forced to OTLP', () => {
    const decoder = new TraceDecoder({ warn: () => {}, inputFormat: 'otlp' });
    decoder.add({ resourceMetrics: [] }, 'm.json', 1);
    expect(decoder.skippedDocuments).toBe(1);
    expect(decoder.traces()).toEqual([]);
  });

  it('refuses an OTLP document when told the input is Jaeger', () => {
    const decoder = new TraceDecoder({ warn: () => {}, inputFormat: 'jaeger' });
    expect(() => decoder.add(TWO_TRACES, 'x.json', 3)).toThrow(InputError);
  });

  it('refuses a document that is no trace data, naming the file and line', () => {
    const decoder = new TraceDecoder({ warn: () => {} });
    expect(() => decoder.add({ hello: 'world' }, 'odd.jsonl', 7)).toThrow(
      /^odd\.jsonl:7: \(document\): not a trace document: found an object with keys "hello"$/,
    );
  });

  it('holds only the traces `onlyTraces` accepts and counts the others', () => {
    const decoder = new TraceDecoder({ warn: () => {}, onlyTraces: (id) => id === A });
    decoder.add(TWO_TRACES, 'x.json', 1);
    // A third trace, turned away too, and B again: each trace counts once.
    decoder.add(
      otlpDocument([
        { id: 5, name: 'c', startMs: 0, endMs: 1, traceId: 'cccccccccccccccccccccccccccccccc' },
        { id: 6, name: 'b again', startMs: 0, endMs: 1, traceId: B },
      ]),
      'x.json',
      2,
    );
    const traces = decoder.traces();
    expect(traces.map((t) => t.traceId)).toEqual([A]);
    expect(traces[0]!.spans).toHaveLength(2);
    expect(decoder.tracesTurnedAway).toBe(2);
  });

  it("sends a warning to the options' warn, with its place", () => {
    const { messages, warn } = collectWarnings();
    const decoder = new TraceDecoder({ warn });
    decoder.add(NO_TIMES, 'gappy.jsonl', 4);
    expect(messages).toEqual(['gappy.jsonl:4: 1 span(s) have no start/end time; shown as 0 ms']);
    expect(decoder.traces()[0]!.spans[0]!.start).toBe(0n);
  });

  it('gives the warn of the options the place and the detail apart, for each document', () => {
    const located: [string, LocatedWarning | undefined][] = [];
    const decoder = new TraceDecoder({
      warn: (message: string, at?: LocatedWarning) => located.push([message, at]),
    });
    decoder.add(NO_TIMES, 'gappy.jsonl', 4);
    expect(located).toEqual([
      [
        'gappy.jsonl:4: 1 span(s) have no start/end time; shown as 0 ms',
        {
          at: { file: 'gappy.jsonl', line: 4 },
          detail: '1 span(s) have no start/end time; shown as 0 ms',
        },
      ],
    ]);
    decoder.add(NO_TIMES, 'gappy.jsonl', 9);
    expect(located[1]![1]!.at).toEqual({ file: 'gappy.jsonl', line: 9 });
  });

  it('adds every document of an async iterable, each at its own line', async () => {
    const decoder = new TraceDecoder({ warn: () => {} });
    async function* documents() {
      yield { value: { resourceLogs: [] }, file: 'a.jsonl', line: 1 };
      yield { value: TWO_TRACES, file: 'a.jsonl', line: 2 };
    }
    await decoder.addAll(documents());
    expect(decoder.skippedDocuments).toBe(1);
    const traces = decoder.traces();
    expect(traces.flatMap((t) => t.spans.map((s) => `${s.origin.file}:${s.origin.line}`))).toEqual([
      'a.jsonl:2',
      'a.jsonl:2',
      'a.jsonl:2',
      'a.jsonl:2',
    ]);
  });

  it('makes spans compact with the given compactor: attributes the analysis does not read are dropped', () => {
    const document = otlpDocument([
      {
        id: 1,
        name: 'GET',
        kind: 3,
        startMs: 0,
        endMs: 1,
        attributes: { 'http.response.status_code': 503, 'user_agent.original': 'curl', 'app.tenant': 't1' },
        traceId: A,
      },
    ]);
    const full = new TraceDecoder({ warn: () => {} });
    full.add(document, 'x.json', 1);
    expect(Object.keys(full.traces()[0]!.spans[0]!.attributes).sort()).toEqual([
      'app.tenant',
      'http.response.status_code',
      'user_agent.original',
    ]);
    const compact = new TraceDecoder({ warn: () => {}, compact: spanCompactor(['app.tenant']) });
    compact.add(document, 'x.json', 1);
    expect(compact.traces()[0]!.spans[0]!.attributes).toEqual({
      'http.response.status_code': 503,
      'app.tenant': 't1',
    });
  });
});

describe('decodeTraces', () => {
  it("gives one document's traces, in trace order, placed at line 1 of where it came from", () => {
    const traces = decodeTraces(TWO_TRACES, 'http://jaeger.test/api/v3/traces/x', { warn: () => {} });
    expect(traces.map((t) => [t.traceId, t.spans.length])).toEqual([
      [B, 2],
      [A, 2],
    ]);
    expect(traces[0]!.spans[0]!.origin).toEqual({ file: 'http://jaeger.test/api/v3/traces/x', line: 1 });
  });

  it('gives no traces for a metrics document', () => {
    expect(decodeTraces({ resourceMetrics: [] }, 'm', { warn: () => {} })).toEqual([]);
  });

  it('warns through the options and keeps only the traces asked for', () => {
    const { messages, warn } = collectWarnings();
    expect(decodeTraces(NO_TIMES, 'req', { warn })).toHaveLength(1);
    expect(messages).toEqual(['req:1: 1 span(s) have no start/end time; shown as 0 ms']);
    expect(decodeTraces(TWO_TRACES, 'req', { warn, onlyTraces: (id) => id === B })).toEqual([
      expect.objectContaining({ traceId: B }),
    ]);
  });

  it('throws an InputError located at the source for a malformed document', () => {
    expect(() => decodeTraces({ resourceSpans: 'nope' }, 'req', { warn: () => {} })).toThrow(
      /^req:1: resourceSpans: expected an array, got the string "nope"$/,
    );
  });
});
