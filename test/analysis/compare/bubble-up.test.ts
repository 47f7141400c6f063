import { describe, expect, it } from 'vitest';
import { BubbleUpAccumulator } from '../../../src/analysis/compare/bubble-up.js';
import { BUBBLE_UP_LIMITS, bubbleUpFactsOf } from '../../../src/analysis/compare/bubble-up-facts.js';
import {
  type BubbleUpResult,
  type BubbleUpRow,
  predicateKeys,
  rankBubbleUp,
} from '../../../src/analysis/compare/bubble-up-rank.js';
import { parseWhere } from '../../../src/analysis/compare/where-predicate.js';
import type { Attributes, Trace } from '../../../src/model/types.js';
import { makeTrace } from '../../helpers/make-span.js';

/** A seeded generator (a linear congruential one), so that every run sees the same traces. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PODS = ['order-7f9c', 'order-2b1d', 'order-5e0a', 'order-81c3', 'order-c4d2', 'order-0f6b'];
const CULPRIT = PODS[0]!;

interface Simulation {
  readonly traces: Trace[];
  readonly failing: number;
  readonly failingOnCulprit: number;
  readonly healthyOnCulprit: number;
}

/**
 * An incident: about one trace in ten fails (its order-service span has an ERROR status).
 * `dependent`: failing traces ran on pod order-7f9c 90% of the time, healthy ones 8%; otherwise
 * every trace is on it 8% of the time, failing or not. Noise, independent of failing: region,
 * version, HTTP method, retries, durations, and ids (a request id, a URL with an order id, a user id).
 *
 *   GET /checkout (frontend, server)
 *   └─ charge (order-service, client; ERROR when failing)
 */
function simulate(seed: number, dependent: boolean, count = 800): Simulation {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hex = (length: number) => Array.from({ length }, () => pick([...'0123456789abcdef'])).join('');
  const traces: Trace[] = [];
  let [failing, failingOnCulprit, healthyOnCulprit] = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    const fails = random() < 0.1;
    const onCulprit = random() < (dependent && fails ? 0.9 : 0.08);
    const pod = onCulprit ? CULPRIT : pick(PODS.slice(1));
    if (fails) failing++;
    if (onCulprit && fails) failingOnCulprit++;
    if (onCulprit && !fails) healthyOnCulprit++;
    const resource: Attributes = {
      'service.name': 'order-service',
      'k8s.pod.name': pod,
      region: pick(['eu-west-1', 'us-east-1', 'ap-south-1']),
      'service.version': pick(['1.4.0', '1.4.1', '1.5.0', '1.5.1']),
    };
    const trace = (i + 1).toString(16);
    const endMs = 20 + Math.floor(random() * 480);
    traces.push(
      makeTrace([
        { trace, id: 'a', service: 'frontend', name: 'GET /checkout', kind: 'server', endMs },
        {
          trace,
          id: 'b',
          parent: 'a',
          service: 'order-service',
          name: 'charge',
          kind: 'client',
          startMs: 1,
          endMs: endMs - 1,
          resource,
          status: fails ? { code: 'error', message: 'charge failed' } : { code: 'unset', message: '' },
          attributes: {
            'request.id': `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
            'http.url': `https://shop.example/orders/${Math.floor(random() * 1e6)}`,
            'user.id': Math.floor(random() * 1e6),
            'http.request.method': pick(['GET', 'POST']),
            retries: pick([0, 0, 0, 1, 2]),
          },
        },
      ]),
    );
  }
  return { traces, failing, failingOnCulprit, healthyOnCulprit };
}

function compare(traces: readonly Trace[], where: string): BubbleUpResult {
  const predicate = parseWhere(where);
  const accumulator = new BubbleUpAccumulator();
  for (const trace of traces) accumulator.add(bubbleUpFactsOf(trace, predicate));
  return rankBubbleUp(accumulator.toData(), predicateKeys(predicate));
}

const name = (row: BubbleUpRow) => `${row.scope}:${row.key}=${JSON.stringify(row.value)}`;
const ID_KEYS = ['request.id', 'http.url', 'user.id'];

describe('BubbleUp over a simulated incident', () => {
  it('ranks the pod the failing traces share first, with their shares', () => {
    const simulation = simulate(1, true);
    const result = compare(simulation.traces, 'error');
    const healthy = simulation.traces.length - simulation.failing;
    expect(result.selection.traces).toBe(simulation.failing);
    expect(result.rest.traces).toBe(healthy);
    const top = result.moreInSelection[0]!;
    expect(name(top)).toBe(`resource:k8s.pod.name=${JSON.stringify({ kind: 'text', text: CULPRIT })}`);
    expect(top.selection).toEqual({
      traces: simulation.failingOnCulprit,
      share: simulation.failingOnCulprit / simulation.failing,
    });
    expect(top.rest).toEqual({
      traces: simulation.healthyOnCulprit,
      share: simulation.healthyOnCulprit / healthy,
    });
    expect(top.difference).toBeCloseTo(top.selection.share - top.rest.share, 12);
    expect(top.selection.share).toBeGreaterThan(0.8);
    expect(top.rest.share).toBeLessThan(0.12);
    expect(top.pValue).toBeLessThan(1e-20);
    // The other pods are where the healthy traces ran.
    expect(result.moreInRest.length).toBeGreaterThan(0);
    expect(result.moreInRest.every((row) => row.key === 'k8s.pod.name')).toBe(true);
  });

  it('reports no id, and notes the keys that hold them', () => {
    for (const seed of [1, 2, 3]) {
      const result = compare(simulate(seed, true).traces, 'error');
      const rows = [...result.moreInSelection, ...result.moreInRest];
      expect(rows.filter((row) => ID_KEYS.includes(row.key)).map(name)).toEqual([]);
      const noted = result.highCardinality.map((note) => `${note.scope}:${note.key}`);
      expect(noted).toEqual(expect.arrayContaining(['span:request.id', 'span:http.url', 'span:user.id']));
      expect(noted).not.toContain('resource:k8s.pod.name');
      // Every trace has a request id of its own: all but those kept are counted apart.
      const ids = result.highCardinality.find((note) => note.key === 'request.id')!;
      expect(ids).toMatchObject({ reason: 'many-values', traces: 800 });
      expect(ids.valuesNotKept.selection + ids.valuesNotKept.rest).toBe(800 - BUBBLE_UP_LIMITS.maxValues);
    }
  });

  it('reports nothing when failing is independent of every attribute (30 seeds), and the pod when it is not', () => {
    for (let seed = 100; seed < 130; seed++) {
      const independent = compare(simulate(seed, false).traces, 'error');
      expect(independent.tested, `seed ${seed}`).toBeGreaterThan(20);
      expect([...independent.moreInSelection, ...independent.moreInRest].map(name), `seed ${seed}`).toEqual(
        [],
      );
      const dependent = compare(simulate(seed, true).traces, 'error');
      expect(dependent.moreInSelection[0]?.value, `seed ${seed}`).toEqual({ kind: 'text', text: CULPRIT });
    }
  });

  it('leaves out the keys the predicate tests', () => {
    const { traces } = simulate(4, true);
    const result = compare(traces, `k8s.pod.name=${CULPRIT}`);
    const rows = [...result.moreInSelection, ...result.moreInRest];
    expect(rows.filter((row) => row.key === 'k8s.pod.name')).toEqual([]);
    // Failing traces are now what sets the selection apart: nothing else depends on the pod.
    expect(result.selection.traces + result.rest.traces).toBe(traces.length);
  });
});

describe('rankBubbleUp', () => {
  /** `count` traces, each with the given span attributes. */
  const many = (count: number, attributes: Attributes, failing: boolean) =>
    Array.from({ length: count }, () =>
      makeTrace([
        { attributes, status: failing ? { code: 'error', message: '' } : { code: 'unset', message: '' } },
      ]),
    );

  it('does not report a value seen in 1 of 2 traces, nor one group alone', () => {
    const tiny = [
      ...many(1, { pod: 'x' }, true),
      ...many(1, { pod: 'y' }, true),
      ...many(40, { pod: 'y' }, false),
    ];
    expect(compare(tiny, 'error').moreInSelection).toEqual([]);
    const oneGroup = compare(many(30, { pod: 'x' }, true), 'error');
    expect(oneGroup).toMatchObject({ tested: 0, moreInSelection: [], moreInRest: [], rest: { traces: 0 } });
  });

  it('reports a pod that a handful of failing traces share', () => {
    const random = seeded(9);
    const healthy = Array.from({ length: 200 }, () => ({
      pod: random() < 0.08 ? 'bad' : `ok-${Math.floor(random() * 5)}`,
    }));
    const traces = [
      ...many(6, { pod: 'bad' }, true),
      ...healthy.flatMap((attributes) => many(1, attributes, false)),
    ];
    const top = compare(traces, 'error').moreInSelection[0];
    expect(top?.value).toEqual({ kind: 'text', text: 'bad' });
    expect(top?.selection).toEqual({ traces: 6, share: 1 });
    expect(top?.rest.traces).toBe(healthy.filter((h) => h.pod === 'bad').length);
  });

  it('reports values the rest has more, and keys the selection lacks', () => {
    const traces = [
      ...many(30, { cache: 'miss' }, true),
      ...many(10, {}, true),
      ...many(60, { cache: 'hit' }, false),
    ];
    const result = compare(traces, 'error');
    expect(result.moreInSelection.map(name)).toEqual([
      'span:cache={"kind":"text","text":"miss"}',
      'span:cache={"kind":"missing"}',
    ]);
    expect(result.moreInRest.map(name)).toEqual(['span:cache={"kind":"text","text":"hit"}']);
    expect(result.moreInRest[0]).toMatchObject({
      selection: { traces: 0, share: 0 },
      rest: { traces: 60, share: 1 },
    });
    expect(result.moreInRest[0]!.difference).toBe(-1);
  });

  it('compares a few numbers one by one, many by range', () => {
    const statuses = [...many(30, { status: 503 }, true), ...many(60, { status: 200 }, false)];
    expect(compare(statuses, 'error').moreInSelection.map((row) => row.value)).toContainEqual({
      kind: 'number',
      number: 503,
    });
    const sizes = Array.from({ length: 120 }, (_, i) =>
      makeTrace([
        {
          attributes: { bytes: i < 40 ? 5000 + i : 10 + i },
          status: i < 40 ? { code: 'error', message: '' } : { code: 'unset', message: '' },
        },
      ]),
    );
    const ranged = compare(sizes, 'error').moreInSelection.find((row) => row.key === 'bytes');
    expect(ranged?.value).toEqual({ kind: 'range', from: 5000, to: 10_000 });
    expect(ranged?.selection.traces).toBe(40);
  });

  it('names the keys each predicate tests', () => {
    expect(predicateKeys(parseWhere('error and duration>1s and service=a and name=b'))).toEqual([
      { scope: 'intrinsic', key: 'duration' },
      { scope: 'intrinsic', key: 'service' },
      { scope: 'intrinsic', key: 'name' },
    ]);
    expect(
      predicateKeys(parseWhere('region and span.x=1 and resource.service.name=a and error=true')),
    ).toEqual([
      { scope: 'span', key: 'region' },
      { scope: 'resource', key: 'region' },
      { scope: 'span', key: 'x' },
      { scope: 'resource', key: 'service.name' },
      { scope: 'intrinsic', key: 'service' },
      { scope: 'span', key: 'error' },
    ]);
  });
});
