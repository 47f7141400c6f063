import { afterEach, describe, expect, it, vi } from 'vitest';
import { SourceError } from '../../src/errors.js';
import type { Nanos, TraceId } from '../../src/model/types.js';
import { decodeFetched, fetchTrace } from '../../src/pipeline/fetch-trace.js';
import type { PipelineHooks } from '../../src/pipeline/hooks.js';
import type { FetchedTrace } from '../../src/sources/trace-backend.js';
import { fakeTraceBackend } from '../helpers/fake-trace-backend.js';
import { otlpDocument } from '../helpers/otlp-doc.js';

const T1 = '1111111111111111aaaaaaaaaaaaaaaa' as TraceId;
const T2 = '2222222222222222bbbbbbbbbbbbbbbb' as TraceId;
const URL_OF = (id: string) => `http://jaeger.test/api/v3/traces/${id}`;
const seconds = (s: number) => (BigInt(s) * 1_000_000_000n) as Nanos;

/** A trace of `spans` spans: a root and its children. */
const traceDocument = (traceId: string, spans: number, startMs = 0) =>
  otlpDocument(
    Array.from({ length: spans }, (_, i) => ({
      id: i + 1,
      parent: i === 0 ? undefined : 1,
      name: `span ${i + 1}`,
      startMs: startMs + i,
      endMs: startMs + 10,
      traceId,
    })),
  );

const found = (document: unknown, id: string = T1): FetchedTrace => ({
  status: 'found',
  document,
  url: URL_OF(id),
});
const NOT_FOUND: FetchedTrace = { status: 'not-found', url: URL_OF(T1), api: 'Jaeger api_v3' };

function recordingHooks() {
  const warnings: string[] = [];
  const progress: string[] = [];
  const hooks: PipelineHooks = { warn: (m) => warnings.push(m), progress: (m) => progress.push(m) };
  return { warnings, progress, hooks };
}

/** A backend answering each fetch with the next of `answers` (the last one again once they run out). */
function answering(...answers: FetchedTrace[]) {
  let call = 0;
  return fakeTraceBackend('jaeger', {
    fetchTrace: async () => answers[Math.min(call++, answers.length - 1)]!,
  });
}

describe('decodeFetched', () => {
  it('picks the trace asked for from an answer that holds several', () => {
    const document = otlpDocument([
      { id: 1, name: 'one', startMs: 0, endMs: 1, traceId: T1 },
      { id: 2, name: 'two', startMs: 0, endMs: 1, traceId: T2 },
    ]);
    const trace = decodeFetched(document, URL_OF(T2), T2, recordingHooks().hooks);
    expect(trace.traceId).toBe(T2);
    expect(trace.spans.map((s) => s.name)).toEqual(['two']);
  });

  it('takes the only trace of an answer that names it differently', () => {
    const asked = '0000000000000000aaaaaaaaaaaaaaaa' as TraceId;
    const trace = decodeFetched(traceDocument(T1, 2), URL_OF(asked), asked, recordingHooks().hooks);
    expect(trace.traceId).toBe(T1);
    expect(trace.spans).toHaveLength(2);
  });

  it('refuses an answer without the trace: several others, or none at all', () => {
    const other = 'cccccccccccccccccccccccccccccccc' as TraceId;
    const several = otlpDocument([
      { id: 1, name: 'one', startMs: 0, endMs: 1, traceId: T1 },
      { id: 2, name: 'two', startMs: 0, endMs: 1, traceId: T2 },
    ]);
    for (const document of [several, { resourceSpans: [] }]) {
      let error: unknown;
      try {
        decodeFetched(document, URL_OF(other), other, recordingHooks().hooks);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).message).toBe(
        `${URL_OF(other)}: the answer holds no spans of trace ${other}`,
      );
    }
  });

  it('passes decoding warnings to the hooks, placed at the URL', () => {
    const { warnings, hooks } = recordingHooks();
    const timeless = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: T1, spanId: '00000000000000aa', name: 'x' }] }] }],
    };
    decodeFetched(timeless, URL_OF(T1), T1, hooks);
    expect(warnings).toEqual([`${URL_OF(T1)}:1: 1 span(s) have no start/end time; shown as 0 ms`]);
  });
});

describe('fetchTrace without --wait', () => {
  it('fetches the trace once', async () => {
    const backend = answering(found(traceDocument(T1, 3)));
    const { warnings, progress, hooks } = recordingHooks();
    const trace = await fetchTrace(backend, T1, undefined, hooks);
    expect(trace.traceId).toBe(T1);
    expect(trace.spans).toHaveLength(3);
    expect(backend.calls.fetchTrace).toEqual([T1]);
    expect(warnings).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('says a trace is not found after one attempt, suggesting --wait', async () => {
    const backend = answering(NOT_FOUND);
    const error = await fetchTrace(backend, T1, undefined, recordingHooks().hooks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(
      `trace ${T1} not found: Jaeger api_v3 answered 404 (${URL_OF(T1)})`,
    );
    expect((error as SourceError).hint).toContain('--wait 30s');
    expect(backend.calls.fetchTrace).toHaveLength(1);
  });

  it("lets the backend's own errors through", async () => {
    const backend = fakeTraceBackend('jaeger', {
      fetchTrace: () => Promise.reject(new SourceError('jaeger.test: connection refused')),
    });
    await expect(fetchTrace(backend, T1, undefined, recordingHooks().hooks)).rejects.toThrow(
      'jaeger.test: connection refused',
    );
  });
});

// --wait polls once a second: fake timers stand in for the clock, so nothing waits for real.
describe('fetchTrace with --wait', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function waitFor<T>(promise: Promise<T>): Promise<T | unknown> {
    const outcome = promise.then(
      (value) => value,
      (error: unknown) => error,
    );
    await vi.runAllTimersAsync();
    return outcome;
  }

  it('polls until the trace exists and its span count stops growing', async () => {
    vi.useFakeTimers();
    const backend = answering(
      NOT_FOUND,
      found(traceDocument(T1, 2)),
      found(traceDocument(T1, 3)),
      found(traceDocument(T1, 3)),
      found(traceDocument(T1, 4)),
    );
    const { warnings, progress, hooks } = recordingHooks();
    const started = Date.now();
    const trace = (await waitFor(fetchTrace(backend, T1, seconds(30), hooks))) as { spans: unknown[] };
    expect(trace.spans).toHaveLength(3);
    expect(backend.calls.fetchTrace).toHaveLength(4);
    expect(Date.now() - started).toBe(3_000);
    expect(progress).toEqual([
      `waiting for trace ${T1}…`,
      `trace ${T1}: 2 spans, waiting for more…`,
      `trace ${T1}: 3 spans, waiting for more…`,
    ]);
    expect(warnings).toEqual([]);
  });

  it('gives the trace as it last was when the wait runs out while it grows, with a warning', async () => {
    vi.useFakeTimers();
    const backend = answering(
      found(traceDocument(T1, 1)),
      found(traceDocument(T1, 2)),
      found(traceDocument(T1, 3)),
      found(traceDocument(T1, 4)),
    );
    const { warnings, hooks } = recordingHooks();
    const trace = (await waitFor(fetchTrace(backend, T1, seconds(2), hooks))) as { spans: unknown[] };
    // Polls at 0, 1 and 2 s: the third is the last that fits in the wait.
    expect(backend.calls.fetchTrace).toHaveLength(3);
    expect(trace.spans).toHaveLength(3);
    expect(warnings).toEqual([`trace ${T1} was still growing when --wait ran out; showing 3 spans`]);
  });

  it('says so when the trace appeared on the last look, too late to see whether it grows', async () => {
    vi.useFakeTimers();
    const backend = answering(NOT_FOUND, NOT_FOUND, found(traceDocument(T1, 2)));
    const { warnings, hooks } = recordingHooks();
    const trace = (await waitFor(fetchTrace(backend, T1, seconds(2), hooks))) as { spans: unknown[] };
    expect(backend.calls.fetchTrace).toHaveLength(3);
    expect(trace.spans).toHaveLength(2);
    expect(warnings).toEqual([
      `trace ${T1} appeared as --wait ran out, too late to see whether more spans were coming; showing 2 spans`,
    ]);
  });

  it('says a trace never appeared once the wait runs out', async () => {
    vi.useFakeTimers();
    const backend = answering(NOT_FOUND);
    const error = await waitFor(fetchTrace(backend, T1, seconds(2), recordingHooks().hooks));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(
      `trace ${T1} not found: Jaeger api_v3 answered 404 (${URL_OF(T1)})`,
    );
    expect((error as SourceError).hint).toBe('check the id and the backend URL');
    expect(backend.calls.fetchTrace).toHaveLength(3);
  });
});
