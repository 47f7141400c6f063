import type { Nanos, Trace } from '../../src/model/types.js';
import { makeSpan, type SpanSpec, sid, tid } from './make-span.js';

/**
 * A busy export where a few calls lose their context, with the truth of every split: what
 * check-propagation must pair. Seeded, so that a failure can be replayed.
 *
 *   frontend    SERVER GET /api/users/{id}              (every trace's root)
 *   └ frontend  CLIENT GET http://user-service:8080/users/{id}                call A
 *     └ user-service SERVER GET /users/:id            (route and path)
 *       └ user-service CLIENT GET http://order-service:8081/orders?user={id}  call B, 100 ms timeout
 *         └ order-service SERVER GET /orders           (records no path; its clock runs 20 ms ahead)
 *           └ order-service CLIENT POST http://frontend:8000/internal/prices  call C
 *             └ frontend SERVER POST /internal/prices   (the service of every trace's root)
 *
 * - Requests arrive every 0–4 ms, so about 50 run at once; the wire takes 0.05–1.5 ms each way.
 * - Each call is split (its callee's subtree becomes a trace of its own) with `splitRate`.
 * - order-service also serves requests from an untraced client, 200 a second: roots of its own,
 *   as alike to a split call B's callee as they can be but for their times.
 * - 5% of order-service's requests are slow (100–300 ms more): call B gives up at 100 ms and
 *   fails, while its callee goes on.
 */
export interface ConcurrentSplits {
  readonly traces: Trace[];
  /** `traceId/spanId` of each split call → the trace id of the root that answered it. */
  readonly splits: Map<string, string>;
}

export function concurrentSplits({
  requests = 2_000,
  splitRate = 0.03,
  seed = 7,
}: {
  requests?: number;
  splitRate?: number;
  seed?: number;
} = {}): ConcurrentSplits {
  const random = rng(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const ns = (msValue: number) => BigInt(Math.round(msValue * 1e6)) as Nanos;
  const wire = () => between(0.05, 1.5);
  const ORDER_SKEW = 20;
  const traces: Trace[] = [];
  const splits = new Map<string, string>();
  let nextTrace = 1;
  let nextSpan = 1;
  const newTraceId = () => (nextTrace++).toString(16);
  const newSpanId = () => (nextSpan++).toString(16);

  /** A span in the given trace; times in ms of the service's own clock. */
  const span = (trace: string, spec: SpanSpec & { startMs: number; endMs: number }) =>
    makeSpan({ ...spec, trace, start: ns(spec.startMs), end: ns(spec.endMs) });

  let at = 0;
  for (let r = 0; r < requests; r++) {
    at += between(0, 4);
    const id = 1000 + r;
    const trace = newTraceId();
    const spans: { trace: string; spec: SpanSpec & { startMs: number; endMs: number } }[] = [];
    // Durations bottom-up, in true time.
    const pricesMs = between(1, 30);
    const callC = { in: wire(), out: wire() };
    const orderMs =
      callC.in + pricesMs + callC.out + between(1, 40) + (random() < 0.05 ? between(100, 300) : 0);
    const callB = { in: wire(), out: wire() };
    const callBMs = Math.min(callB.in + orderMs + callB.out, 100);
    const timedOut = callBMs === 100;
    const userMs = callBMs + between(1, 20);
    const callA = { in: wire(), out: wire() };
    const rootMs = callA.in + userMs + callA.out + between(1, 10);

    const ids = { root: newSpanId(), a: newSpanId(), userServer: newSpanId(), b: newSpanId() };
    const more = { orderServer: newSpanId(), c: newSpanId(), prices: newSpanId() };
    const splitA = random() < splitRate;
    const splitB = random() < splitRate;
    const splitC = random() < splitRate;
    const traceB = splitA ? newTraceId() : trace;
    const traceOrder = splitB ? newTraceId() : traceB;
    const tracePrices = splitC ? newTraceId() : traceOrder;

    const rootStart = at;
    spans.push({
      trace,
      spec: {
        id: ids.root,
        name: 'GET /api/users/{id}',
        service: 'frontend',
        kind: 'server',
        startMs: rootStart,
        endMs: rootStart + rootMs,
        attributes: { 'url.path': `/api/users/${id}`, 'http.route': '/api/users/{id}' },
      },
    });
    const aStart = rootStart + between(0.1, 1);
    const aEnd = aStart + callA.in + userMs + callA.out;
    spans.push({
      trace,
      spec: {
        id: ids.a,
        parent: ids.root,
        name: 'GET',
        service: 'frontend',
        kind: 'client',
        startMs: aStart,
        endMs: aEnd,
        attributes: { 'url.full': `http://user-service:8080/users/${id}` },
      },
    });
    const userStart = aStart + callA.in;
    spans.push({
      trace: traceB,
      spec: {
        id: ids.userServer,
        parent: splitA ? undefined : ids.a,
        name: 'GET /users/:id',
        service: 'user-service',
        kind: 'server',
        startMs: userStart,
        endMs: userStart + userMs,
        attributes: { 'http.route': '/users/:id', 'url.path': `/users/${id}` },
      },
    });
    if (splitA) splits.set(`${tid(trace)}/${sid(ids.a)}`, tid(traceB));
    const bStart = userStart + between(0.1, 1);
    spans.push({
      trace: traceB,
      spec: {
        id: ids.b,
        parent: ids.userServer,
        name: 'GET',
        service: 'user-service',
        kind: 'client',
        startMs: bStart,
        endMs: bStart + callBMs,
        attributes: { 'url.full': `http://order-service:8081/orders?user=${id}` },
        ...(timedOut && { status: { code: 'error' as const, message: 'timeout of 100ms exceeded' } }),
      },
    });
    if (splitB) splits.set(`${tid(traceB)}/${sid(ids.b)}`, tid(traceOrder));
    const orderStart = bStart + callB.in;
    spans.push({
      trace: traceOrder,
      spec: {
        id: more.orderServer,
        parent: splitB ? undefined : ids.b,
        name: 'GET /orders',
        service: 'order-service',
        kind: 'server',
        startMs: orderStart + ORDER_SKEW,
        endMs: orderStart + orderMs + ORDER_SKEW,
      },
    });
    const cStart = orderStart + between(0.1, 1);
    spans.push({
      trace: traceOrder,
      spec: {
        id: more.c,
        parent: more.orderServer,
        name: 'POST',
        service: 'order-service',
        kind: 'client',
        startMs: cStart + ORDER_SKEW,
        endMs: cStart + callC.in + pricesMs + callC.out + ORDER_SKEW,
        attributes: { 'url.full': 'http://frontend:8000/internal/prices' },
      },
    });
    if (splitC) splits.set(`${tid(traceOrder)}/${sid(more.c)}`, tid(tracePrices));
    const pricesStart = cStart + callC.in;
    spans.push({
      trace: tracePrices,
      spec: {
        id: more.prices,
        parent: splitC ? undefined : more.c,
        name: 'POST /internal/prices',
        service: 'frontend',
        kind: 'server',
        startMs: pricesStart,
        endMs: pricesStart + pricesMs,
        attributes: { 'url.path': '/internal/prices', 'http.route': '/internal/prices' },
      },
    });
    const byTrace = new Map<string, ReturnType<typeof span>[]>();
    for (const { trace: t, spec } of spans) byTrace.set(t, [...(byTrace.get(t) ?? []), span(t, spec)]);
    for (const [t, list] of byTrace) traces.push({ traceId: tid(t), spans: list, warnings: [] });
  }

  // The untraced client's requests to order-service: 200 a second over the same time.
  for (let t = between(0, 5); t < at; t += between(0, 10)) {
    const trace = newTraceId();
    const start = t + ORDER_SKEW;
    traces.push({
      traceId: tid(trace),
      spans: [
        span(trace, {
          id: newSpanId(),
          name: 'GET /orders',
          service: 'order-service',
          kind: 'server',
          startMs: start,
          endMs: start + between(1, 60),
        }),
      ],
      warnings: [],
    });
  }
  return { traces, splits };
}

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
