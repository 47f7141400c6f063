import { describe, expect, it } from 'vitest';
import { SourceError, UsageError } from '../../src/errors.js';
import type { TraceQuery } from '../../src/model/query.js';
import type { TraceId } from '../../src/model/types.js';
import type { PipelineHooks } from '../../src/pipeline/hooks.js';
import {
  FETCH_CONCURRENCY,
  mapBounded,
  refuseTraceQL,
  requireService,
  searchBackend,
  searchEveryService,
  searchLoaded,
} from '../../src/pipeline/search.js';
import type { SearchAnswer } from '../../src/sources/trace-backend.js';
import { fakeTraceBackend } from '../helpers/fake-trace-backend.js';
import { makeTrace } from '../helpers/make-span.js';
import { type DocSpan, otlpDocument } from '../helpers/otlp-doc.js';
import { ANY_QUERY } from '../helpers/query.js';

const id = (c: string) => c.repeat(32) as TraceId;
const [T1, T2, T3, T4] = [id('1'), id('2'), id('3'), id('4')];

/** A root span of `service` in trace `traceId`, starting at `startMs`, with the given attributes. */
const root = (traceId: string, startMs: number, service = 'shop', attributes = {}): DocSpan => ({
  id: 1,
  name: 'GET',
  kind: 2,
  service,
  startMs,
  endMs: startMs + 5,
  traceId,
  attributes,
});

function recordingHooks() {
  const warnings: string[] = [];
  const progress: string[] = [];
  const hooks: PipelineHooks = { warn: (m) => warnings.push(m), progress: (m) => progress.push(m) };
  return { warnings, progress, hooks };
}

const documents = (...spans: DocSpan[]): SearchAnswer => ({
  kind: 'documents',
  documents: [{ document: otlpDocument(spans), url: 'http://jaeger.test/api/v3/traces' }],
});

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (no timer involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('refuseTraceQL', () => {
  it('lets a query without TraceQL through', () => {
    expect(() => refuseTraceQL(ANY_QUERY, 'files')).not.toThrow();
    expect(() => refuseTraceQL(ANY_QUERY, 'jaeger')).not.toThrow();
  });

  it('refuses TraceQL with a UsageError saying what to use instead, for files and for Jaeger', () => {
    const query = { ...ANY_QUERY, traceQL: '{ .http.status_code = 500 }' };
    const refusal = (source: 'files' | 'jaeger'): UsageError => {
      try {
        refuseTraceQL(query, source);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return error as UsageError;
      }
      throw new Error('TraceQL was not refused');
    };
    expect(refusal('files').message).toBe('--query is TraceQL, which only Tempo runs');
    expect(refusal('files').hint).toBe('pass --tempo URL, or use --service/--tag on files');
    expect(refusal('jaeger').message).toBe('--query is TraceQL, which only Tempo runs');
    expect(refusal('jaeger').hint).toBe('for Jaeger use --service, --operation and --tag');
  });
});

describe('searchLoaded', () => {
  const traces = [
    makeTrace([{ trace: 'a1', service: 'web', startMs: 0 }]),
    makeTrace([{ trace: 'a2', service: 'db', startMs: 1 }]),
    makeTrace([
      { trace: 'a3', service: 'web', startMs: 2 },
      { trace: 'a3', service: 'db', startMs: 3 },
    ]),
    makeTrace([{ trace: 'a4', service: 'web', startMs: 4 }]),
  ];
  const ids = (list: readonly { traceId: string }[]) => list.map((t) => t.traceId.replace(/^0+/, ''));

  it('keeps the matching traces in input order', () => {
    expect(ids(searchLoaded(traces, { ...ANY_QUERY, service: 'db' }))).toEqual(['a2', 'a3']);
    expect(ids(searchLoaded(traces, ANY_QUERY))).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('stops at the limit: the first matches in input order', () => {
    expect(ids(searchLoaded(traces, { ...ANY_QUERY, service: 'web', limit: 2 }))).toEqual(['a1', 'a3']);
    expect(searchLoaded(traces, { ...ANY_QUERY, limit: 0 })).toEqual([]);
  });

  it('does not change the array it is given', () => {
    const before = [...traces];
    searchLoaded(traces, { ...ANY_QUERY, service: 'web', limit: 1 });
    expect(traces).toEqual(before);
  });
});

describe('mapBounded', () => {
  /** `fn` that starts a call the test settles itself, tracking how many are in flight. */
  function controlled() {
    const started: number[] = [];
    const calls = new Map<number, Deferred<string>>();
    let inFlight = 0;
    let maxInFlight = 0;
    const fn = (item: number): Promise<string> => {
      started.push(item);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const call = deferred<string>();
      calls.set(item, call);
      return call.promise.finally(() => inFlight--);
    };
    return { started, calls, fn, inFlight: () => inFlight, maxInFlight: () => maxInFlight };
  }

  it('never has more than `limit` calls in flight, starts the next as one ends, and answers in input order', async () => {
    const c = controlled();
    const run = mapBounded([0, 1, 2, 3, 4], 2, c.fn);
    await settle();
    expect(c.started).toEqual([0, 1]);
    // The second call ends first: the third starts in its place, the first still runs.
    c.calls.get(1)!.resolve('one');
    await settle();
    expect(c.started).toEqual([0, 1, 2]);
    expect(c.inFlight()).toBe(2);
    c.calls.get(2)!.resolve('two');
    await settle();
    expect(c.started).toEqual([0, 1, 2, 3]);
    c.calls.get(3)!.resolve('three');
    await settle();
    expect(c.started).toEqual([0, 1, 2, 3, 4]);
    c.calls.get(4)!.resolve('four');
    c.calls.get(0)!.resolve('zero');
    expect(await run).toEqual(['zero', 'one', 'two', 'three', 'four']);
    expect(c.maxInFlight()).toBe(2);
  });

  it('runs every item at once when the limit is above their number', async () => {
    const c = controlled();
    const run = mapBounded([7, 8, 9], 10, c.fn);
    await settle();
    expect(c.started).toEqual([7, 8, 9]);
    for (const [item, call] of c.calls) call.resolve(`r${item}`);
    expect(await run).toEqual(['r7', 'r8', 'r9']);
  });

  it('calls nothing for no items', async () => {
    const c = controlled();
    expect(await mapBounded([], 3, c.fn)).toEqual([]);
    expect(c.started).toEqual([]);
  });

  it('stops starting calls at the first error and rejects with it, not with a later one', async () => {
    const c = controlled();
    const outcome = mapBounded([0, 1, 2, 3, 4, 5], 2, c.fn).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await settle();
    const first = new Error('first');
    c.calls.get(1)!.reject(first);
    await settle();
    // The call in flight goes on; nothing new starts, even once it is done.
    c.calls.get(0)!.reject(new Error('second'));
    await settle();
    expect(await outcome).toBe(first);
    expect(c.started).toEqual([0, 1]);
  });

  it('starts nothing more after an error even while other calls finish well', async () => {
    const c = controlled();
    const outcome = mapBounded([0, 1, 2, 3], 2, c.fn).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await settle();
    c.calls.get(0)!.reject(new Error('boom'));
    await settle();
    c.calls.get(1)!.resolve('fine');
    await settle();
    expect(c.started).toEqual([0, 1]);
    expect(await outcome).toEqual(new Error('boom'));
  });
});

describe('requireService', () => {
  it('asks Jaeger nothing when the query names a service', async () => {
    const backend = fakeTraceBackend('jaeger', {});
    await expect(requireService(backend, { ...ANY_QUERY, service: 'shop' })).resolves.toBeUndefined();
    expect(backend.calls.services).toBe(0);
  });

  it("refuses a Jaeger search without --service, listing Jaeger's services in the hint", async () => {
    const backend = fakeTraceBackend('jaeger', { services: async () => ['order-service', 'user-service'] });
    const error = await requireService(backend, ANY_QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe("Jaeger's search needs --service");
    expect((error as UsageError).hint).toBe('services in http://jaeger.test: order-service, user-service');
  });

  it('lists at most 30 services, and none when Jaeger lists none', async () => {
    /** The UsageError `requireService` rejects with. */
    const refusal = async (services: string[] | undefined): Promise<UsageError> => {
      const error = await requireService(
        fakeTraceBackend('jaeger', { services: async () => services }),
        ANY_QUERY,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      return error as UsageError;
    };
    const many = Array.from({ length: 31 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    expect((await refusal(many)).hint).toBe(
      `services in http://jaeger.test: ${many.slice(0, 30).join(', ')}, …`,
    );
    expect((await refusal(undefined)).hint).toBeUndefined();
    expect((await refusal([])).hint).toBeUndefined();
  });

  it('refuses TraceQL for Jaeger, lets Tempo run it and search without a service', async () => {
    const query = { ...ANY_QUERY, service: 'shop', traceQL: '{ }' };
    await expect(requireService(fakeTraceBackend('jaeger', {}), query)).rejects.toThrow(UsageError);
    const tempo = fakeTraceBackend('tempo', {});
    await expect(requireService(tempo, { ...query, service: undefined })).resolves.toBeUndefined();
    expect(tempo.calls.services).toBe(0);
  });
});

describe('searchBackend', () => {
  it("gives the traces of Jaeger's answer newest first, cut to the limit", async () => {
    const backend = fakeTraceBackend('jaeger', {
      searchTraces: async () => documents(root(T2, 10), root(T1, 0), root(T3, 20)),
    });
    const { warnings, hooks } = recordingHooks();
    const query = { ...ANY_QUERY, service: 'shop', limit: 2 };
    const traces = await searchBackend(backend, query, hooks);
    expect(traces.map((t) => t.traceId)).toEqual([T3, T2]);
    expect(backend.calls.searchTraces).toEqual([query]);
    expect(warnings).toEqual([]);
  });

  it('checks the answer again and leaves out what does not match, saying how many', async () => {
    const backend = fakeTraceBackend('jaeger', {
      searchTraces: async () =>
        documents(root(T1, 0, 'shop', { tenant: 'a' }), root(T2, 10, 'shop', { tenant: 'b' })),
    });
    const { warnings, hooks } = recordingHooks();
    const traces = await searchBackend(
      backend,
      { ...ANY_QUERY, service: 'shop', tags: [['tenant', 'a']] },
      hooks,
    );
    expect(traces.map((t) => t.traceId)).toEqual([T1]);
    // Not a full answer (2 of a limit of 100): no deeper search, and nothing older can be missing.
    expect(backend.calls.searchTraces).toHaveLength(1);
    expect(warnings).toEqual([
      '1 of the 2 traces http://jaeger.test returned do not match the search and were left out (the backend may not support every filter)',
    ]);
  });

  it('asks ten times deeper when a full answer ignored a filter', async () => {
    const backend = fakeTraceBackend('jaeger', {
      searchTraces: async (query: TraceQuery) =>
        query.limit === 2
          ? documents(root(T4, 40, 'shop', { tenant: 'b' }), root(T3, 30, 'shop', { tenant: 'a' }))
          : documents(
              root(T4, 40, 'shop', { tenant: 'b' }),
              root(T3, 30, 'shop', { tenant: 'a' }),
              root(T1, 0, 'shop', { tenant: 'a' }),
            ),
    });
    const { warnings, progress, hooks } = recordingHooks();
    const query = { ...ANY_QUERY, service: 'shop', tags: [['tenant', 'a']] as const, limit: 2 };
    const traces = await searchBackend(backend, query, hooks);
    expect(backend.calls.searchTraces.map((q) => q.limit)).toEqual([2, 20]);
    expect(progress).toEqual(['http://jaeger.test ignored a filter; searching 20 traces deep']);
    expect(traces.map((t) => t.traceId)).toEqual([T3, T1]);
    expect(warnings).toEqual([
      '1 of the 3 traces http://jaeger.test returned do not match the search and were left out (the backend may not support every filter)',
    ]);
  });

  it('keeps the first answer when the deeper search is refused, and says older matches may be missing', async () => {
    const backend = fakeTraceBackend('jaeger', {
      searchTraces: async (query: TraceQuery) => {
        if (query.limit > 2) throw new SourceError('Jaeger answered 400: max_traces is 10');
        return documents(root(T4, 40, 'shop', { tenant: 'b' }), root(T3, 30, 'shop', { tenant: 'a' }));
      },
    });
    const { warnings, hooks } = recordingHooks();
    const query = { ...ANY_QUERY, service: 'shop', tags: [['tenant', 'a']] as const, limit: 2 };
    const traces = await searchBackend(backend, query, hooks);
    expect(traces.map((t) => t.traceId)).toEqual([T3]);
    expect(warnings).toEqual([
      'a deeper search was refused (Jaeger answered 400: max_traces is 10); keeping the first answer',
      '1 of the 2 traces http://jaeger.test returned do not match the search and were left out (the backend may not support every filter); older matching traces may be missing: narrow the window or raise --limit',
    ]);
  });

  it('lets an error other than a SourceError from the deeper search through', async () => {
    const backend = fakeTraceBackend('jaeger', {
      searchTraces: async (query: TraceQuery) => {
        if (query.limit > 1) throw new TypeError('bug');
        return documents(root(T1, 0, 'shop', { tenant: 'b' }));
      },
    });
    const query = { ...ANY_QUERY, service: 'shop', tags: [['tenant', 'a']] as const, limit: 1 };
    await expect(searchBackend(backend, query, recordingHooks().hooks)).rejects.toThrow(TypeError);
  });

  it("fetches each id of Tempo's answer, up to the limit, warning of one gone since", async () => {
    const backend = fakeTraceBackend('tempo', {
      searchTraces: async () => ({ kind: 'ids', ids: [T1, T4, T2, T3], url: 'http://tempo.test/api/search' }),
      fetchTrace: async (traceId) => {
        if (traceId === T4)
          return { status: 'not-found', url: `http://tempo.test/api/traces/${traceId}`, api: 'Tempo' };
        const start = { [T1]: 0, [T2]: 10, [T3]: 20 }[traceId]!;
        return {
          status: 'found',
          document: otlpDocument([root(traceId, start)]),
          url: `http://tempo.test/api/traces/${traceId}`,
        };
      },
    });
    const { warnings, progress, hooks } = recordingHooks();
    const traces = await searchBackend(backend, { ...ANY_QUERY, limit: 3 }, hooks);
    // The limit cuts the ids before any is fetched: T3, fourth, is never asked for.
    expect(backend.calls.fetchTrace).toEqual([T1, T4, T2]);
    expect(traces.map((t) => t.traceId)).toEqual([T2, T1]);
    expect(warnings).toEqual([
      `trace ${T4} was listed by the search but Tempo did not find it (http://tempo.test/api/traces/${T4})`,
    ]);
    expect(progress).toEqual([
      'fetched 1 of 3 traces from http://tempo.test',
      'fetched 2 of 3 traces from http://tempo.test',
      'fetched 3 of 3 traces from http://tempo.test',
    ]);
  });

  it(`fetches at most ${FETCH_CONCURRENCY} traces at once`, async () => {
    const ids = Array.from({ length: 10 }, (_, i) => id((i + 1).toString(16)));
    let inFlight = 0;
    let most = 0;
    const pending: Deferred<void>[] = [];
    const backend = fakeTraceBackend('tempo', {
      searchTraces: async () => ({ kind: 'ids', ids, url: 'http://tempo.test/api/search' }),
      fetchTrace: async (traceId) => {
        inFlight++;
        most = Math.max(most, inFlight);
        const gate = deferred<void>();
        pending.push(gate);
        await gate.promise;
        inFlight--;
        return { status: 'found', document: otlpDocument([root(traceId, 0)]), url: 'u' };
      },
    });
    const run = searchBackend(backend, ANY_QUERY, recordingHooks().hooks);
    await settle();
    expect(pending).toHaveLength(FETCH_CONCURRENCY);
    // Release one at a time until all are done.
    for (let released = 0; released < ids.length; released++) {
      pending[released]!.resolve();
      await settle();
    }
    expect((await run).map((t) => t.traceId).sort()).toEqual([...ids].sort());
    expect(most).toBe(FETCH_CONCURRENCY);
  });

  it('trusts a TraceQL answer as it is: nothing is checked again', async () => {
    const backend = fakeTraceBackend('tempo', {
      searchTraces: async () => ({ kind: 'ids', ids: [T1], url: 'http://tempo.test/api/search' }),
      fetchTrace: async (traceId) => ({
        status: 'found',
        document: otlpDocument([root(traceId, 0, 'other')]),
        url: 'u',
      }),
    });
    const { warnings, hooks } = recordingHooks();
    const query = { ...ANY_QUERY, service: 'shop', traceQL: '{ resource.service.name = "other" }' };
    expect((await searchBackend(backend, query, hooks)).map((t) => t.traceId)).toEqual([T1]);
    expect(warnings).toEqual([]);
  });
});

describe('searchEveryService', () => {
  it("searches each of Jaeger's services and keeps a trace found in several once", async () => {
    const backend = fakeTraceBackend('jaeger', {
      services: async () => ['web', 'db'],
      searchTraces: async (query: TraceQuery) =>
        query.service === 'web'
          ? documents(
              root(T1, 0, 'web'),
              { ...root(T2, 10, 'web') },
              { ...root(T2, 11, 'db'), id: 2, parent: 1 },
            )
          : documents(
              { ...root(T2, 10, 'web') },
              { ...root(T2, 11, 'db'), id: 2, parent: 1 },
              root(T3, 20, 'db'),
            ),
    });
    const traces = await searchEveryService(
      backend,
      { ...ANY_QUERY, service: 'web' },
      recordingHooks().hooks,
    );
    expect(backend.calls.searchTraces.map((q) => q.service)).toEqual(['web', 'db']);
    expect(traces.map((t) => t.traceId).sort()).toEqual([T1, T2, T3]);
    expect(traces.find((t) => t.traceId === T2)!.spans).toHaveLength(2);
  });

  it('searches Tempo once, over every service', async () => {
    const backend = fakeTraceBackend('tempo', {
      searchTraces: async () => ({ kind: 'ids', ids: [], url: 'http://tempo.test/api/search' }),
    });
    expect(
      await searchEveryService(backend, { ...ANY_QUERY, service: 'web' }, recordingHooks().hooks),
    ).toEqual([]);
    expect(backend.calls.searchTraces.map((q) => q.service)).toEqual([undefined]);
    expect(backend.calls.services).toBe(0);
  });

  it('searches the first 50 of more services, saying so', async () => {
    const services = Array.from({ length: 52 }, (_, i) => `svc-${i}`);
    const backend = fakeTraceBackend('jaeger', {
      services: async () => services,
      searchTraces: async () => ({ kind: 'documents', documents: [] }),
    });
    const { warnings, hooks } = recordingHooks();
    expect(await searchEveryService(backend, ANY_QUERY, hooks)).toEqual([]);
    expect(backend.calls.searchTraces).toHaveLength(50);
    expect(new Set(backend.calls.searchTraces.map((q) => q.service))).toEqual(new Set(services.slice(0, 50)));
    expect(warnings).toEqual(['http://jaeger.test lists 52 services; searching the first 50']);
  });
});
