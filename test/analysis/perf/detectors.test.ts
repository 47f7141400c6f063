import { describe, expect, it } from 'vitest';
import { DEFAULT_PERF_THRESHOLDS, withThresholds } from '../../../src/analysis/perf/thresholds.js';
import type { SpanSpec } from '../../helpers/make-span.js';
import { detect, hexId, ofKind, query, request, rpc, server, sids } from './call-specs.js';

/**
 * Each detector on small traces drawn to scale: what fires, what it names, and what does not fire
 * just under its thresholds; each threshold, tuned, changes the outcome. The root is always
 * `a`, a SERVER span from 0 to 10 s.
 */
const ROOT = server('a', undefined, 0, 10_000, '/orders');

/** `count` calls of `make`, one after another from `at`, each `ms` long, 0.2 ms apart. */
function loop(
  count: number,
  at: number,
  ms: number,
  make: (id: string, start: number, end: number, i: number) => SpanSpec,
) {
  return Array.from({ length: count }, (_, i) => {
    const start = at + i * (ms + 0.2);
    return make(hexId(i), start, start + ms, i);
  });
}

const items = (id: string, start: number, end: number, i: number) =>
  query(id, 'a', start, end, `SELECT sku, qty FROM order_items WHERE order_id = ${101 + i}`);

describe('n-plus-one', () => {
  //   GET /orders  |-q-||-q-||-q-||-q-||-q-|      5 × 10 ms, one after another, one shape
  it('fires on 5 calls of one shape one after another, 50 ms in all', () => {
    const found = detect([ROOT, ...loop(5, 10, 10, items)]);
    expect(found.map((f) => f.kind)).toEqual(['n-plus-one']);
    expect(found[0]).toMatchObject({
      spanId: sids('a')[0],
      shape: 'SELECT sku, qty FROM order_items WHERE order_id = ?',
      family: 'db',
      peer: 'orders-db:5432',
      callSpanIds: sids('100', '101', '102', '103', '104'),
      count: 5,
    });
    const [loopFinding] = ofKind(found, 'n-plus-one');
    expect(loopFinding!.totalMs).toBeCloseTo(50, 6);
    // Batched, the loop would take about its longest call.
    expect(loopFinding!.savedMs).toBeCloseTo(40, 6);
  });

  it('fires on a request per item as on a query per item', () => {
    const found = detect([
      ROOT,
      ...loop(6, 10, 12, (id, start, end, i) =>
        request(id, 'a', start, end, `http://catalog:8080/products/${42 + i}`),
      ),
    ]);
    expect(ofKind(found, 'n-plus-one')).toMatchObject([
      { family: 'http', shape: 'GET /products/{id}', count: 6 },
    ]);
  });

  it.each([
    ['4 calls', [ROOT, ...loop(4, 10, 20, items)]],
    ['5 calls of 9.9 ms, under 50 ms in all', [ROOT, ...loop(5, 10, 9.9, items)]],
    // Two of them overlap: calls at once are a fan-out or a pool, not a loop.
    [
      'calls that overlap',
      [ROOT, ...loop(5, 10, 20, items).map((s, i) => (i === 3 ? { ...s, startMs: 40 } : s))],
    ],
  ])('does not fire on %s', (_, specs) => {
    expect(ofKind(detect(specs), 'n-plus-one')).toEqual([]);
  });

  it('takes calls that seem to overlap by the clock grain (starts stamped to the ms) as one after another', () => {
    // OpenTelemetry JS: each start is Date.now(), up to 1 ms before the previous end.
    const specs = loop(5, 10, 12, items).map((s, i) => ({ ...s, startMs: s.startMs! - (i === 0 ? 0 : 0.7) }));
    expect(ofKind(detect([ROOT, ...specs]), 'n-plus-one')).toHaveLength(1);
  });

  it('does not join calls of different parents', () => {
    const split = loop(6, 10, 10, items).map((s, i) => ({ ...s, parent: i < 3 ? 'b' : 'c' }));
    const parents = [server('b', 'a', 5, 40, '/x'), server('c', 'a', 40, 100, '/y')];
    expect(detect([ROOT, ...parents, ...split])).toEqual([]);
  });

  it('follows its thresholds', () => {
    const four = [ROOT, ...loop(4, 10, 15, items)];
    expect(ofKind(detect(four, withThresholds({ nPlusOne: { minCalls: 4 } })), 'n-plus-one')).toHaveLength(1);
    const five = [ROOT, ...loop(5, 10, 10, items)];
    expect(detect(five, withThresholds({ nPlusOne: { minTotalMs: 51 } }))).toEqual([]);
  });
});

describe('sequential-calls', () => {
  //   GET /orders  |--accounts 60--||--addresses 80--||--prefs 70--|      → 130 ms to save
  const accounts = query('b', 'a', 10, 70, 'SELECT * FROM accounts WHERE user_id = 7');
  const addresses = query('c', 'a', 70.1, 150.1, 'SELECT * FROM addresses WHERE user_id = 7');
  const prefs = query('d', 'a', 150.2, 220.2, 'SELECT * FROM preferences WHERE user_id = 7');

  it('fires on independent queries one after another that running at once would save 100 ms', () => {
    const found = detect([ROOT, accounts, addresses, prefs]);
    expect(found.map((f) => f.kind)).toEqual(['sequential-calls']);
    const [run] = ofKind(found, 'sequential-calls');
    expect(run).toMatchObject({ spanId: sids('a')[0], callSpanIds: sids('b', 'c', 'd'), count: 3 });
    expect(run!.totalMs).toBeCloseTo(210, 6);
    expect(run!.savedMs).toBeCloseTo(130, 6);
    expect(run!.shape).toBe(
      [
        'SELECT * FROM accounts WHERE user_id = ?',
        'SELECT * FROM addresses WHERE user_id = ?',
        'SELECT * FROM preferences WHERE user_id = ?',
      ].join(' → '),
    );
  });

  it.each([
    // 60 + 35: 35 ms to save.
    ['95 ms of queries', [ROOT, accounts, query('c', 'a', 70.1, 105.1, 'SELECT * FROM addresses')]],
    // 1,200 + 110: 110 ms to save, but 8% of the run.
    [
      'a saving under a tenth of the run',
      [ROOT, query('b', 'a', 0, 1_200, 'SELECT * FROM stats'), query('c', 'a', 1_200.1, 1_310.1, 'SELECT 1')],
    ],
    //   |--accounts--|
    //        |--addresses--|   overlap: already at once
    ['queries that overlap', [ROOT, accounts, { ...addresses, startMs: 40 }, { ...prefs, startMs: 150.2 }]],
  ])('does not fire on %s', (_, specs) => {
    expect(detect(specs)).toEqual([]);
  });

  //   GET /orders  |auth||----promotions 1 s----||----reviews 1 s----||----rates 1 s----|
  const slowRequests = [
    request('e', 'a', 0, 8, 'http://auth:8080/check'),
    rpc('b', 'a', 10, 1_010, 'pricing.PricingService/GetPromotions'),
    request('c', 'a', 1_011, 2_011, 'http://reviews:8080/summary'),
    rpc('d', 'a', 2_012, 3_012, 'shipping.ShippingService/GetRates'),
  ];

  it('fires on 3 slow requests one after another, 2 s to save, past a quick call before them', () => {
    const [run, ...more] = ofKind(detect([ROOT, ...slowRequests]), 'sequential-calls');
    expect(more).toEqual([]);
    expect(run).toMatchObject({ callSpanIds: sids('b', 'c', 'd'), count: 3 });
    expect(run!.savedMs).toBeCloseTo(2_000, 6);
  });

  it.each([
    // A request often needs the one before (a customer's location, then the drivers near it).
    ['2 slow requests', slowRequests.slice(0, 3)],
    ['3 requests, one under 500 ms', slowRequests.map((s) => (s.id === 'c' ? { ...s, endMs: 1_480 } : s))],
    [
      '3 requests, one starting 600 ms after the one before',
      slowRequests.map((s) => (s.id === 'd' ? { ...s, startMs: 2_611, endMs: 3_611 } : s)),
    ],
  ])('does not fire on %s', (_, specs) => {
    expect(detect([ROOT, ...specs])).toEqual([]);
  });

  it('does not report calls another finding explains: the loop of an N+1', () => {
    // 5 × 30 ms one after another would save 120 ms run at once: it is a loop to batch.
    expect(detect([ROOT, ...loop(5, 10, 30, items)]).map((f) => f.kind)).toEqual(['n-plus-one']);
  });

  it('follows its thresholds, for queries and requests apart', () => {
    const queries = [ROOT, accounts, addresses, prefs];
    expect(detect(queries, withThresholds({ sequential: { queries: { minSavedMs: 131 } } }))).toEqual([]);
    const twoRequests = [ROOT, ...slowRequests.slice(0, 3)];
    const tuned = withThresholds({ sequential: { requests: { minCalls: 2, minSavedMs: 900 } } });
    expect(ofKind(detect(twoRequests, tuned), 'sequential-calls')).toMatchObject([
      { callSpanIds: sids('b', 'c') },
    ]);
    // Tuning one family leaves the other as it was.
    expect(tuned.sequential.queries).toEqual(DEFAULT_PERF_THRESHOLDS.sequential.queries);
  });
});

describe('redundant-call', () => {
  //   GET /orders
  //   ├ authorize    |-SELECT … id = 7-|
  //   └ loadProfile                       |-SELECT … id = 7-|     the same read again
  const read = 'SELECT id, plan FROM users WHERE id = 7';
  const twice = [
    ROOT,
    { id: 'b', parent: 'a', name: 'authorize', startMs: 0, endMs: 30 },
    query('c', 'b', 1, 21, read),
    { id: 'd', parent: 'a', name: 'loadProfile', startMs: 31, endMs: 60 },
    query('e', 'd', 32, 47, read),
  ];

  it('fires on the same read, values and all, twice in a trace, under any parents', () => {
    const found = detect(twice);
    expect(found.map((f) => f.kind)).toEqual(['redundant-call']);
    expect(found[0]).toMatchObject({
      spanId: sids('b')[0],
      name: 'authorize',
      exact: read,
      family: 'db',
      callSpanIds: sids('c', 'e'),
      count: 2,
    });
    // What a cache of the first answer would save: the repeat's time.
    expect(found[0]!.savedMs).toBeCloseTo(15, 6);
  });

  it('fires on a GET of one URL made again', () => {
    const url = 'http://users:8080/users/7/preferences';
    const found = detect([ROOT, request('b', 'a', 0, 20, url), request('c', 'a', 30, 45, url)]);
    expect(ofKind(found, 'redundant-call')).toMatchObject([
      { family: 'http', exact: `GET ${url}`, count: 2 },
    ]);
  });

  const again = (statement: string, patch: Partial<SpanSpec> = {}) => [
    ...twice.slice(0, 4),
    { ...query('e', 'd', 32, 47, statement), ...patch },
  ];

  it.each([
    ['other values', again('SELECT id, plan FROM users WHERE id = 8')],
    // The values are not in the span: two users' rows, or one user's twice.
    [
      'bind parameters',
      [
        ROOT,
        query('c', 'a', 1, 21, 'SELECT * FROM t WHERE id = $1'),
        query('e', 'a', 32, 47, 'SELECT * FROM t WHERE id = $1'),
      ],
    ],
    [
      'a write',
      [
        ROOT,
        query('c', 'a', 1, 21, "INSERT INTO audit VALUES ('x')"),
        query('e', 'a', 32, 47, "INSERT INTO audit VALUES ('x')"),
      ],
    ],
    ['a repeat that failed', again(read, { status: { code: 'error', message: 'timeout' } })],
    ['a repeat under 10 ms', again(read, { endMs: 41.9 })],
    [
      'another database',
      again(read, {
        attributes: { 'db.system.name': 'postgresql', 'db.query.text': read, 'server.address': 'replica' },
      }),
    ],
    [
      'a POST of one URL',
      [
        ROOT,
        request('b', 'a', 0, 20, 'http://users:8080/events', { method: 'POST' }),
        request('c', 'a', 30, 45, 'http://users:8080/events', { method: 'POST' }),
      ],
    ],
  ])('does not fire on %s', (_, specs) => {
    expect(detect(specs)).toEqual([]);
  });

  it('follows its thresholds', () => {
    expect(detect(twice, withThresholds({ redundant: { minCalls: 3 } }))).toEqual([]);
    expect(detect(twice, withThresholds({ redundant: { minWastedMs: 16 } }))).toEqual([]);
  });
});

describe('retry-storm', () => {
  //   GET /orders  ✗|-|   ✗|-|     ✗|-|          ✓|--|      one URL, 3 × 503, then an answer
  const url = 'http://inventory:8085/stock/SKU-100234';
  const attempts = [
    request('b', 'a', 10, 15, url, { status: 503 }),
    request('c', 'a', 25, 30, url, { status: 503 }),
    request('d', 'a', 50, 55, url, { status: 503 }),
    request('e', 'a', 100, 110, url),
  ];

  it('fires on 4 attempts of one call, each failed but the last', () => {
    const found = detect([ROOT, ...attempts]);
    expect(found.map((f) => f.kind)).toEqual(['retry-storm']);
    expect(found[0]).toMatchObject({
      spanId: sids('a')[0],
      shape: 'GET /stock/{id}',
      callSpanIds: sids('b', 'c', 'd', 'e'),
      count: 4,
      multiplied: 4,
    });
    // The failed attempts' time.
    expect(found[0]!.savedMs).toBeCloseTo(15, 6);
  });

  it('fires on attempts that all failed (the caller gave up)', () => {
    const gaveUp = attempts.map((s) => ({
      ...s,
      attributes: { ...s.attributes, 'http.response.status_code': 503 },
    }));
    expect(ofKind(detect([ROOT, ...gaveUp]), 'retry-storm')).toMatchObject([{ count: 4 }]);
  });

  it.each([
    ['3 attempts', attempts.slice(1)],
    [
      'an answer between the failures',
      attempts.map((s) => (s.id === 'c' ? request('c', 'a', 25, 30, url) : s)),
    ],
    // Four items failing in a loop are not one call tried again.
    [
      'other URLs',
      attempts.map((s, i) => ({ ...s, attributes: { ...s.attributes, 'url.full': `${url}${i}` } })),
    ],
  ])('does not fire on %s', (_, specs) => {
    expect(ofKind(detect([ROOT, ...specs]), 'retry-storm')).toEqual([]);
  });

  /**
   *   frontend GET /orders   ✗ attempt 1 ─ order-service ✗ q ✗ q ✗ q ✗ q     4 queries timed out: 503
   *                          ✗ attempt 2 ─ order-service ✗ q ✗ q ✗ q ✗ q
   *                          ✗ attempt 3 ─ order-service ✗ q ✗ q ✗ q ✗ q
   *                          ✓ attempt 4 ─ order-service ✓ q
   */
  it('multiplies storms nested in the attempts of another: the queries one request cost', () => {
    const specs: SpanSpec[] = [ROOT];
    for (let attempt = 0; attempt < 4; attempt++) {
      const at = attempt * 200;
      const last = attempt === 3;
      const [client, callee] = [`c${attempt}`, `d${attempt}`];
      specs.push(
        request(client, 'a', at, at + 150, 'http://orders:8081/orders/7', { status: last ? 200 : 503 }),
        { ...server(callee, client, at + 1, at + 149, '/orders/{id}'), service: 'order-service' },
      );
      for (let q = 0; q < (last ? 1 : 4); q++)
        specs.push({
          ...query(
            `e${attempt}${q}`,
            callee,
            at + 2 + q * 30,
            at + 30 + q * 30,
            'SELECT * FROM orders WHERE id = 7',
          ),
          ...(last
            ? {}
            : {
                status: { code: 'error' as const, message: 'canceling statement due to statement timeout' },
              }),
        });
    }
    const storms = ofKind(detect(specs), 'retry-storm');
    expect(storms.map((s) => [s.spanId, s.count, s.multiplied])).toEqual([
      [sids('a')[0], 4, 16],
      [sids('d0')[0], 4, 4],
      [sids('d1')[0], 4, 4],
      [sids('d2')[0], 4, 4],
    ]);
    // The attempts are not also a loop, nor repeated reads.
    expect(detect(specs).map((f) => f.kind)).toEqual([
      'retry-storm',
      'retry-storm',
      'retry-storm',
      'retry-storm',
    ]);
  });

  it('follows its threshold', () => {
    expect(
      ofKind(
        detect([ROOT, ...attempts.slice(1)], withThresholds({ retryStorm: { minAttempts: 3 } })),
        'retry-storm',
      ),
    ).toHaveLength(1);
    expect(detect([ROOT, ...attempts], withThresholds({ retryStorm: { minAttempts: 5 } }))).toEqual([]);
  });
});

describe('fan-out', () => {
  /** `count` cache reads of distinct keys, all started within a millisecond. */
  const atOnce = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      ...query(hexId(i), 'a', 10 + i * 0.01, 20 + i * 0.01, `GET price:${1000 + i}`),
      attributes: { 'db.system.name': 'redis', 'db.query.text': `GET price:${1000 + i}` },
    }));

  it('fires on 100 calls made by one span, naming the shape most of them have', () => {
    const found = detect([ROOT, ...atOnce(99), request('f', 'a', 30, 40, 'http://pricing:8084/rates')]);
    expect(found.map((f) => f.kind)).toEqual(['fan-out']);
    expect(found[0]).toMatchObject({
      spanId: sids('a')[0],
      shape: 'GET price:?',
      shapes: 2,
      count: 100,
      savedMs: 0,
    });
    expect(ofKind(found, 'fan-out')[0]!.callSpanIds).toHaveLength(100);
  });

  it('does not fire on 99 calls', () => {
    expect(detect([ROOT, ...atOnce(99)])).toEqual([]);
  });

  it('is reported with what the calls also are: a loop', () => {
    expect(detect([ROOT, ...loop(100, 10, 1, items)]).map((f) => f.kind)).toEqual(['n-plus-one', 'fan-out']);
  });

  it('follows its threshold', () => {
    expect(
      ofKind(detect([ROOT, ...atOnce(50)], withThresholds({ fanOut: { minCalls: 50 } })), 'fan-out'),
    ).toHaveLength(1);
  });
});

describe('pool-wait', () => {
  /** Calls of 30 ms through `size` workers, each taking the next call 0.2 ms after its last one ended. */
  function pool(size: number, count: number, ms = 30): SpanSpec[] {
    return Array.from({ length: count }, (_, i) => {
      const [worker, round] = [i % size, Math.floor(i / size)];
      const start = worker * 0.05 + round * (ms + 0.2);
      return request(hexId(i), 'a', start, start + ms, `http://routes:8088/route?pickup=${i}`);
    });
  }

  //   pool of 3   |--0--||--3--||--6--|
  //               |--1--||--4--||--7--|
  //               |--2--||--5--||--8--|       each call from the 4th starts as one ends
  it('fires on calls of one shape run k at a time, each queued one starting as another ends', () => {
    const found = detect([ROOT, ...pool(3, 9)]);
    expect(found.map((f) => f.kind)).toEqual(['pool-wait']);
    expect(found[0]).toMatchObject({ spanId: sids('a')[0], shape: 'GET /route', poolSize: 3, count: 9 });
    expect(ofKind(found, 'pool-wait')[0]!.callSpanIds).toEqual(
      sids(...Array.from({ length: 9 }, (_, i) => hexId(i))),
    );
    // All at once they would take 30 ms; through the pool, 90.5.
    expect(found[0]!.savedMs).toBeCloseTo(60.5, 6);
  });

  it('fires where the last call finds the pool no longer full: nothing is left to queue', () => {
    // 7 calls through 3 workers: the 7th starts alone.
    expect(ofKind(detect([ROOT, ...pool(3, 7)]), 'pool-wait')).toMatchObject([{ poolSize: 3, count: 7 }]);
  });

  it.each([
    ['5 calls', pool(2, 5)],
    // One call waiting for another may be waiting for its answer.
    ['one queued call', pool(5, 6)],
    ['a queue that costs under 20 ms', pool(3, 6, 9)],
    ['calls all at once', pool(9, 9)],
  ])('does not fire on %s', (_, specs) => {
    expect(ofKind(detect([ROOT, ...specs]), 'pool-wait')).toEqual([]);
  });

  it('does not take 100 calls launched 0.5 ms apart (Promise.all) for a pool', () => {
    // 5 to 25 ms each: once calls end, every start is near some end, but the number running
    // keeps changing: no pool is full.
    const calls = Array.from({ length: 100 }, (_, i) =>
      request(hexId(i), 'a', i * 0.5, i * 0.5 + 5 + ((i * 7) % 21), `http://pricing:8084/prices/${i}`),
    );
    expect(detect([ROOT, ...calls]).map((f) => f.kind)).toEqual(['fan-out']);
  });

  it('does not take a call for following its own end', () => {
    // Cache reads of 0.5 ms, the first two overlapping, then one every 5 ms: under the 1 ms
    // tolerance, each starts "near an end", its own.
    const reads = [0, 0.1, 5, 10, 15, 20, 25, 30].map((start, i) => ({
      ...query(hexId(i), 'a', start, start + 0.5, `GET flag:${i}`),
      attributes: { 'db.system.name': 'redis', 'db.query.text': `GET flag:${i}` },
    }));
    expect(detect([ROOT, ...reads])).toEqual([]);
  });

  it('follows its thresholds', () => {
    const nine = [ROOT, ...pool(3, 9)];
    expect(detect(nine, withThresholds({ poolWait: { minCalls: 10 } }))).toEqual([]);
    expect(detect(nine, withThresholds({ poolWait: { minWaitedMs: 61 } }))).toEqual([]);
    // 10 calls through 3 workers, the last one alone, taken 5 ms after the others ended: 6 of the
    // 7 queued calls follow an end.
    const late = pool(3, 10).map((s, i) =>
      i === 9 ? { ...s, startMs: s.startMs! + 5, endMs: s.endMs! + 5 } : s,
    );
    expect(ofKind(detect([ROOT, ...late]), 'pool-wait')).toHaveLength(1);
    expect(detect([ROOT, ...late], withThresholds({ poolWait: { minQueuedShare: 0.9 } }))).toEqual([]);
  });
});

describe('detectPerf', () => {
  it('finds nothing in a healthy request: dependent calls, fast, and calls at once', () => {
    //   GET /orders  |session||--user--||--orders--|
    //                                             |--stock--|
    //                                             |--price--|
    const healthy = [
      ROOT,
      { ...query('b', 'a', 1, 2, 'GET session:9f3ab2c4d5e6'), attributes: { 'db.system.name': 'redis' } },
      request('c', 'a', 2.1, 14, 'http://users:8080/users/7'),
      query('d', 'a', 14.1, 40, 'SELECT * FROM orders WHERE user_id = $1'),
      rpc('e', 'a', 40.1, 60, 'inventory.InventoryService/GetStock'),
      rpc('f', 'a', 40.2, 58, 'pricing.PricingService/GetPrice'),
    ];
    expect(detect(healthy)).toEqual([]);
  });
});
