import { describe, expect, it } from 'vitest';
import type { CompareFinding } from '../../../src/analysis/compare/compare-findings.js';
import { edgeKey, operationKey } from '../../../src/analysis/compare/compare-subject.js';
import {
  DEFAULT_COMPARE_THRESHOLDS,
  withCompareThresholds,
} from '../../../src/analysis/compare/compare-thresholds.js';
import { judgeChanges } from '../../../src/analysis/compare/judge-changes.js';
import { RunAggregate } from '../../../src/analysis/compare/run-aggregate.js';
import { hashSpan, startHash } from '../../../src/analysis/compare/sample-hash.js';
import type { TraceFacts } from '../../../src/analysis/compare/trace-facts.js';
import { Random } from '../../helpers/random.js';

const CHECKOUT = operationKey('shop', 'POST /checkout');
const QUERY = operationKey('shop', 'SELECT items');
const CHARGE = edgeKey({ service: 'shop', name: 'HTTP POST' }, { service: 'payments', name: 'POST /charge' });

/** One subject's calls in a trace: each call's duration in ms, and whether the trace failed there. */
interface Calls {
  readonly ms: readonly number[];
  readonly failed?: boolean;
}

/** A run of traces, each built by `shape` from its index and a seeded random source. */
function run(
  name: string,
  traces: number,
  seed: number,
  shape: (random: Random, t: number) => Record<string, Calls>,
) {
  const random = new Random(seed);
  const aggregate = new RunAggregate();
  for (let t = 0; t < traces; t++) {
    const traceId = `${name}${t}`.padStart(32, '0');
    const state = startHash(traceId);
    const subjects = Object.entries(shape(random, t)).map(([key, calls]) => {
      const durationsUs = calls.ms.map((ms) => Math.round(ms * 1000));
      const slowest = Math.max(...durationsUs);
      return {
        key,
        durationsUs,
        sampleHashes: durationsUs.map((_, i) => hashSpan(state, `${key}${i}`)),
        errors: calls.failed ? 1 : 0,
        slowestSpanId: `${durationsUs.indexOf(slowest)}`.padStart(16, '0'),
        slowestUs: slowest,
      };
    });
    const facts: TraceFacts = {
      traceId,
      root: { key: CHECKOUT, spanId: '1'.padStart(16, '0'), durationUs: 1 },
      subjects,
    };
    aggregate.addTrace(facts);
  }
  return aggregate;
}

/** Lognormal around a median, σ 0.3. */
const around = (random: Random, medianMs: number) => medianMs * Math.exp(0.3 * random.normal());

const kinds = (findings: readonly CompareFinding[]) => findings.map((f) => f.kind);

describe('judgeChanges', () => {
  it('finds a 50% slower operation, with its evidence', () => {
    const baseline = run('a', 100, 1, (r) => ({ [CHECKOUT]: { ms: [around(r, 20)] } }));
    const candidate = run('b', 100, 2, (r) => ({ [CHECKOUT]: { ms: [around(r, 30)] } }));
    const judgement = judgeChanges(baseline, candidate);
    expect(kinds(judgement.findings)).toEqual(['duration-regression']);
    const finding = judgement.findings[0]!;
    if (finding.kind !== 'duration-regression') throw new Error('unreachable');
    expect(finding).toMatchObject({ scope: 'operation', service: 'shop', name: 'POST /checkout' });
    expect(finding.effect).toBeGreaterThan(5);
    expect(finding.effect).toBeLessThan(15);
    expect(finding.interval!.lowMs).toBeLessThan(finding.effect);
    expect(finding.interval!.highMs).toBeGreaterThan(finding.effect);
    expect(finding.adjustedPValue).toBeLessThanOrEqual(0.01);
    expect(finding.adjustedPValue).toBeGreaterThanOrEqual(finding.pValue);
    expect(finding.baseline.traces).toBe(100);
    expect(finding.candidate.p50Ms).toBeGreaterThan(finding.baseline.p50Ms);
    expect(judgement.tested.worse).toBeGreaterThanOrEqual(1);
  });

  it('calls a faster operation an improvement, not a regression', () => {
    const baseline = run('a', 100, 1, (r) => ({ [CHECKOUT]: { ms: [around(r, 30)] } }));
    const candidate = run('b', 100, 2, (r) => ({ [CHECKOUT]: { ms: [around(r, 20)] } }));
    expect(kinds(judgeChanges(baseline, candidate).findings)).toEqual(['duration-improvement']);
  });

  it('leaves a significant change below the effect thresholds unchanged', () => {
    // 3% slower over 3,000 traces: significant, but under 10% of the median.
    const baseline = run('a', 3_000, 1, (r) => ({ [CHECKOUT]: { ms: [around(r, 20)] } }));
    const candidate = run('b', 3_000, 2, (r) => ({ [CHECKOUT]: { ms: [around(r, 20.6)] } }));
    const change = judgeChanges(baseline, candidate).changes.find((c) => c.key === CHECKOUT)!;
    expect(change.duration!.worse!.adjustedPValue).toBeLessThanOrEqual(0.01);
    expect(change.duration!.verdict).toBe('unchanged');
    // 40% slower but by 0.2 ms: under the 1 ms floor, unless it is lowered.
    const fast = run('a', 200, 3, (r) => ({ [CHECKOUT]: { ms: [around(r, 0.5)] } }));
    const slower = run('b', 200, 4, (r) => ({ [CHECKOUT]: { ms: [around(r, 0.7)] } }));
    expect(judgeChanges(fast, slower).findings).toEqual([]);
    const lowered = withCompareThresholds({ duration: { minMs: 0.1 } });
    expect(kinds(judgeChanges(fast, slower, lowered).findings)).toEqual(['duration-regression']);
  });

  it('finds a query in a loop (1 → 12 calls per trace), and leaves constant counts out of the family', () => {
    const baseline = run('a', 60, 1, (r) => ({
      [QUERY]: { ms: [around(r, 2)] },
      [CHECKOUT]: { ms: [around(r, 20)] },
    }));
    const candidate = run('b', 60, 2, (r) => ({
      [QUERY]: { ms: Array.from({ length: 12 }, () => around(r, 2)) },
      [CHECKOUT]: { ms: [around(r, 20)] },
    }));
    const judgement = judgeChanges(baseline, candidate);
    expect(kinds(judgement.findings)).toEqual(['calls-regression']);
    const query = judgement.changes.find((c) => c.key === QUERY)!;
    expect(query.calls).toMatchObject({
      verdict: 'regression',
      baselineMedian: 1,
      candidateMedian: 12,
      change: 11,
    });
    // POST /checkout is called once per trace in both: its count test could never be significant.
    const checkout = judgement.changes.find((c) => c.key === CHECKOUT)!;
    expect(checkout.calls!.worse!.adjustedPValue).toBeUndefined();
    expect(checkout.calls!.verdict).toBe('unchanged');
  });

  it('does not call one more call on a median of ten a regression (under 20%)', () => {
    const baseline = run('a', 300, 1, (r) => ({
      [QUERY]: { ms: Array.from({ length: 10 }, () => around(r, 2)) },
    }));
    const candidate = run('b', 300, 2, (r) => ({
      [QUERY]: { ms: Array.from({ length: 11 }, () => around(r, 2)) },
    }));
    const change = judgeChanges(baseline, candidate).changes.find((c) => c.key === QUERY)!;
    expect(change.calls!.worse!.adjustedPValue).toBeLessThanOrEqual(0.01);
    expect(change.calls!.verdict).toBe('unchanged');
  });

  it('finds an edge that starts failing, 0% → 10% of traces', () => {
    const baseline = run('a', 400, 1, (r) => ({ [CHARGE]: { ms: [around(r, 50)] } }));
    const candidate = run('b', 400, 2, (r, t) => ({
      [CHARGE]: { ms: [around(r, 50)], failed: t % 10 === 0 },
    }));
    const judgement = judgeChanges(baseline, candidate);
    expect(kinds(judgement.findings)).toEqual(['error-rate-regression']);
    expect(judgement.findings[0]).toMatchObject({
      scope: 'edge',
      service: 'shop',
      name: 'HTTP POST',
      callee: { service: 'payments', name: 'POST /charge' },
      effect: 0.1,
    });
  });

  it('judges nothing on too few traces, and reports what appeared and what vanished', () => {
    const baseline = run('a', 10, 1, (r) => ({ [CHECKOUT]: { ms: [around(r, 20)] }, [CHARGE]: { ms: [5] } }));
    const candidate = run('b', 10, 2, (r) => ({
      [CHECKOUT]: { ms: [around(r, 200)] },
      [QUERY]: { ms: [1, 1] },
    }));
    const judgement = judgeChanges(baseline, candidate);
    const checkout = judgement.changes.find((c) => c.key === CHECKOUT)!;
    expect([checkout.duration!.verdict, checkout.calls!.verdict, checkout.errorRate!.verdict]).toEqual([
      'too-few-samples',
      'too-few-samples',
      'too-few-samples',
    ]);
    expect(checkout.duration!.worse).toBeUndefined();
    expect(kinds(judgement.findings)).toEqual(['new-operation', 'vanished-edge']);
    expect(judgement.findings[0]).toMatchObject({ name: 'SELECT items', numbers: { traces: 10, calls: 20 } });
    expect(judgement.changes.map((c) => c.presence).sort()).toEqual(['both', 'new', 'vanished']);
    expect(judgement.entryPoints).toEqual([
      {
        service: 'shop',
        name: 'POST /checkout',
        baseline: { traces: 10, traceShare: 1, p50Ms: 0.001, p95Ms: 0.001, maxMs: 0.001 },
        candidate: { traces: 10, traceShare: 1, p50Ms: 0.001, p95Ms: 0.001, maxMs: 0.001 },
      },
    ]);
  });

  it('divides the level among everything tested: one strong change survives, many weak ones do not', () => {
    // 200 operations, one 60% slower, the others 8% (a p-value around 0.1 each on its own, some
    // well under 0.01); with the effect floors lowered, only the correction stands between them
    // and dozens of findings.
    const keys = Array.from({ length: 200 }, (_, i) => operationKey('svc', `op${i}`));
    const shape = (first: number, rest: number) => (r: Random) =>
      Object.fromEntries(keys.map((k, i) => [k, { ms: [around(r, 20) * (i === 0 ? first : rest)] }]));
    const loose = withCompareThresholds({ duration: { minShare: 0, minMs: 0 } });
    const judgement = judgeChanges(run('a', 60, 1, shape(1, 1)), run('b', 60, 2, shape(1.6, 1.08)), loose);
    const regressions = judgement.findings.filter((f) => f.kind === 'duration-regression');
    expect(regressions.map((f) => f.name)).toContain('op0');
    expect(regressions.length).toBeLessThan(20);
    const bare = judgement.changes.filter((c) => c.duration!.worse!.pValue <= 0.01).length;
    expect(bare).toBeGreaterThan(regressions.length);
    expect(judgement.tested.worse).toBeGreaterThanOrEqual(200);
  });

  it('has documented defaults, and takes overrides field by field', () => {
    expect(DEFAULT_COMPARE_THRESHOLDS).toEqual({
      confidence: 0.99,
      minSamples: 20,
      duration: { minShare: 0.1, minMs: 1 },
      calls: { minIncrease: 1, minShare: 0.2 },
      errorRate: { minIncrease: 0.01 },
    });
    expect(withCompareThresholds({ confidence: 0.95, calls: { minShare: 0.5 } })).toMatchObject({
      confidence: 0.95,
      minSamples: 20,
      calls: { minIncrease: 1, minShare: 0.5 },
    });
  });
});
