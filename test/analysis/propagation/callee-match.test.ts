import { describe, expect, it } from 'vitest';
import { routeMatches } from '../../../src/analysis/propagation/callee-match.js';
import {
  checkPropagation,
  OrderFreeTotals,
  PropagationCheck,
  tracePart,
} from '../../../src/analysis/propagation/check-propagation.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { Trace, TraceId } from '../../../src/model/types.js';
import { propagationMessage } from '../../../src/render/propagation/words.js';
import { concurrentSplits } from '../../helpers/concurrent-splits.js';
import { frozen, makeTrace, sid, tid } from '../../helpers/make-span.js';

/** How check-propagation's split-trace findings compare with the splits planted. */
function score(seed: number, splitRate = 0.03) {
  const { traces, splits } = concurrentSplits({ seed, splitRate });
  const report = checkPropagation(
    traces.map((t) => buildTree(t)),
    { external: new Set() },
  );
  let found = 0;
  let right = 0;
  let ambiguous = 0;
  let wrong: string[] = [];
  for (const f of report.findings) {
    if (f.kind !== 'split-trace') continue;
    const planted = splits.get(`${f.traceId}/${f.spanId}`) as TraceId | undefined;
    if (planted === undefined) {
      wrong.push(`${f.traceId}/${f.spanId}: no split planted there`);
      continue;
    }
    found++;
    if (f.alternatives) {
      ambiguous++;
      if (![f.relatedTraceId, ...f.alternatives.map((a) => a.traceId)].includes(planted))
        wrong.push(`${f.traceId}/${f.spanId}: none of its ${f.alternatives.length + 1} traces`);
    } else if (f.relatedTraceId === planted) right++;
    else wrong.push(`${f.traceId}/${f.spanId}: paired with ${f.relatedTraceId}, not ${planted}`);
  }
  wrong = wrong.slice(0, 5);
  return { planted: splits.size, found, right, ambiguous, wrong, report };
}

describe('pairing split calls with their callee under concurrency', () => {
  it.each([1, 2, 3, 9])(
    'finds at least 98 percent of the planted splits, and pairs at least 99 percent right (seed %i)',
    (seed) => {
      const { planted, found, right, ambiguous, wrong } = score(seed);
      expect(planted).toBeGreaterThan(100);
      expect(found / planted).toBeGreaterThanOrEqual(0.98);
      // Precision: a pairing named alone must be the planted one; "one of N" must hold it.
      expect(right / (found - ambiguous), wrong.join('\n')).toBeGreaterThanOrEqual(0.99);
      expect(ambiguous / found).toBeLessThanOrEqual(0.02);
    },
  );

  it('pairs the same when the parts come from two threads, with their order-free totals apart', () => {
    const { traces } = concurrentSplits({ seed: 9 });
    const options = { external: new Set<string>() };
    const check = new PropagationCheck(options);
    const half = Math.floor(traces.length / 2);
    // Each "thread" adds up its own totals and sends slim parts, as read-in-parallel's workers do.
    const threads = [traces.slice(0, half), traces.slice(half)].map((mine) => {
      const totals = new OrderFreeTotals();
      return { parts: mine.map((t) => totals.take(tracePart(buildTree(t), options, 'all'))), totals };
    });
    for (const { totals } of threads) check.addTotals(totals.data());
    for (const { parts } of threads) for (const part of parts) check.addPart(part);
    expect(check.report()).toEqual(
      checkPropagation(
        traces.map((t) => buildTree(t)),
        options,
      ),
    );
  });

  it('says nothing is split in the same export where no call lost its context', () => {
    const { planted, report } = score(4, 0);
    expect(planted).toBe(0);
    expect(report.findings.filter((f) => f.kind === 'split-trace' || f.kind === 'unanswered-client')).toEqual(
      [],
    );
  });
});

/** user-service calls order-service at `startMs`–`endMs` in trace `trace`, with no answer in it. */
const call = (trace: string, startMs: number, endMs: number, url = 'http://order-service:8080/orders') =>
  makeTrace([
    { id: 'a', trace, name: 'GET /users/1', service: 'user-service', kind: 'server', startMs: 0, endMs: 300 },
    {
      id: 'b',
      trace,
      parent: 'a',
      name: 'GET',
      service: 'user-service',
      kind: 'client',
      startMs,
      endMs,
      attributes: { 'url.full': url, 'peer.service': 'order-service' },
    },
  ]);
/** A root of order-service in a trace of its own. */
const root = (trace: string, startMs: number, endMs: number, path?: string) =>
  makeTrace([
    {
      id: 'c',
      trace,
      name: 'GET /orders',
      service: 'order-service',
      kind: 'server',
      startMs,
      endMs,
      attributes: path === undefined ? {} : { 'url.path': path },
    },
  ]);
const splitsOf = (traces: Trace[]) =>
  checkPropagation(
    traces.map((t) => buildTree(frozen(t))),
    { external: new Set() },
  ).findings.filter((f) => f.kind === 'split-trace');

describe('the callee of a split call', () => {
  it('fits inside the call: not a root that started before it and ended long after', () => {
    // The case seen in a busy export: the call ran 87.37–99.41 ms.
    const [split] = splitsOf([call('1', 87.37, 99.41), root('2', 83.0, 187.3), root('3', 87.47, 99.31)]);
    expect(split).toMatchObject({ relatedTraceId: tid('3') });
    expect(split).not.toHaveProperty('alternatives');
  });

  it('a root whose path agrees with the call wins over a tighter one whose path differs', () => {
    const [split] = splitsOf([
      call('1', 100, 200, 'http://order-service:8080/orders/7'),
      root('2', 100.1, 199.9, '/health'),
      root('3', 110, 150, '/orders/7'),
    ]);
    expect(split).toMatchObject({ relatedTraceId: tid('3') });
  });

  it('pairs all calls at once, one root to one call, tightest first', () => {
    // Call 1's tightest root is 3, but 3 fits call 2 tighter still: 1 gets 4.
    const found = splitsOf([
      call('1', 100, 200),
      call('2', 120, 180),
      root('3', 121, 179),
      root('4', 101, 170),
    ]);
    expect(found.map((f) => [f.traceId, f.relatedTraceId])).toEqual([
      [tid('1'), tid('4')],
      [tid('2'), tid('3')],
    ]);
  });

  it('names every root that fits as well, when nothing tells them apart', () => {
    const [split] = splitsOf([call('1', 100, 200), root('2', 101, 199), root('3', 101.05, 199.02)]);
    expect(split).toMatchObject({
      relatedTraceId: tid('2'),
      alternatives: [{ traceId: tid('3'), spanId: sid('c') }],
    });
    expect(propagationMessage(split!)).toContain('one of 2 that fit the call equally well');
  });

  it("lines the callee's clock up with the caller's, from the calls that did continue", () => {
    // order-service's clock runs 30 ms ahead: its answers to calls that continued sit 30 ms late
    // (1 ms on the wire each way).
    const answered = (trace: string, startMs: number) =>
      makeTrace([
        {
          id: 'a',
          trace,
          name: 'GET',
          service: 'user-service',
          kind: 'client',
          startMs,
          endMs: startMs + 20,
        },
        {
          id: 'b',
          trace,
          parent: 'a',
          service: 'order-service',
          kind: 'server',
          startMs: startMs + 31,
          endMs: startMs + 49,
        },
      ]);
    // Without the offset, root 3 (at the call's own time) would fit; lined up, root 2 does.
    const [split] = splitsOf([
      answered('a1', 0),
      answered('a2', 20),
      answered('a3', 40),
      call('1', 100, 200),
      root('2', 131, 229),
      root('3', 101, 199),
    ]);
    expect(split).toMatchObject({ relatedTraceId: tid('2') });
  });
});

describe('routeMatches', () => {
  it('matches a template segment by segment', () => {
    expect(routeMatches('/users/:id', '/users/42')).toBe(true);
    expect(routeMatches('/users/{id}/orders', '/users/42/orders')).toBe(true);
    expect(routeMatches('/blog/[slug]', '/blog/hello')).toBe(true);
    expect(routeMatches('/static/*', '/static/css/app.css')).toBe(true);
    expect(routeMatches('/users/:id', '/users/42/orders')).toBe(false);
    expect(routeMatches('/users/:id', '/orders/42')).toBe(false);
    expect(routeMatches('/internal/prices', '/internal/prices')).toBe(true);
  });
});
