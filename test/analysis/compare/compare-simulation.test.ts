import { beforeAll, describe, expect, it } from 'vitest';
import { type CompareJudgement, judgeChanges } from '../../../src/analysis/compare/judge-changes.js';
import { RunAggregate } from '../../../src/analysis/compare/run-aggregate.js';
import { compareFactsOf } from '../../../src/analysis/compare/trace-facts.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { Trace } from '../../../src/model/types.js';
import {
  FAILING_OPERATION,
  LOOPED_OPERATION,
  makeShop,
  type Plants,
  plantedSubjects,
  type Shop,
  SLOWER_OPERATION,
  simulateRun,
} from './simulate-runs.js';

/**
 * `compare --baseline` on simulated test runs of a shop of 100–170 operations and 70–125 edges
 * (simulate-runs.ts), each run drawn afresh from the same distributions, as two CI runs of the
 * same tests would be. 20 seeds, each its own shop and runs:
 * - unchanged code at 200 traces per run: no regression, no improvement, in any of them;
 * - one operation 30% slower, a query looped 1 → 12 times per trace, at 200 traces per run:
 *   both found in every one, and no regression outside what the plants truly change;
 * - an operation failing 0% → 5%: found in every run at 600 traces per run. At 200 the data
 *   cannot show it at this confidence: some 10 failing traces against none give p ≈ 2⁻¹⁰ before
 *   any correction, and a family of ~150 tests asks for p below ~7e-5.
 *
 * Measured beyond these seeds, with the same sizes and plants (all three at once): no false
 * regression in 250 unchanged comparisons at 200 traces (seeds 1–50 and 101–300), and no false
 * improvement in the 220 of them where improvements were counted; in 250 planted comparisons, one
 * false regression (an operation and its peer edge, one seed), the slowdown and the loop found in
 * all 250; the failing operation found in 40 of 250 at 200 traces, 31 of 50 at 300, 44 of 50 at
 * 400, 50 of 50 at 500, 600 and 800.
 */
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

function aggregate(traces: readonly Trace[]): RunAggregate {
  const out = new RunAggregate();
  for (const trace of traces) out.addTrace(compareFactsOf(buildTree(trace)));
  return out;
}

interface Compared {
  readonly seed: number;
  readonly shop: Shop;
  readonly judgement: CompareJudgement;
}

function compare(traces: number, plants: Plants | undefined): Compared[] {
  return SEEDS.map((seed) => {
    const shop = makeShop(seed);
    const baseline = aggregate(simulateRun(shop, traces, seed * 10 + 1));
    const candidate = aggregate(simulateRun(shop, traces, seed * 10 + (plants ? 3 : 2), plants));
    return { seed, shop, judgement: judgeChanges(baseline, candidate) };
  });
}

const verdictOf = (judgement: CompareJudgement, key: string, metric: 'duration' | 'calls' | 'errorRate') =>
  judgement.changes.find((c) => c.key === key)?.[metric]?.verdict;

/** The regressions of a comparison, by subject key. */
const regressedKeys = (judgement: CompareJudgement) =>
  judgement.changes
    .filter((c) => [c.duration, c.calls, c.errorRate].some((m) => m?.verdict === 'regression'))
    .map((c) => c.key);

describe('compare on simulated test runs', () => {
  let unchanged: Compared[] = [];
  let planted: Compared[] = [];
  let failing: Compared[] = [];
  beforeAll(() => {
    unchanged = compare(200, undefined);
    planted = compare(200, { slower: 1.3, loop: 12 });
    failing = compare(600, { failing: 0.05 });
  }, 600_000);

  it('is a realistic size: 100+ operations, 150+ operations and edges, dozens of tests that could fail', () => {
    for (const { judgement } of unchanged) {
      const operations = judgement.changes.filter((c) => c.subject.scope === 'operation');
      expect(operations.length).toBeGreaterThanOrEqual(100);
      expect(judgement.changes.length).toBeGreaterThanOrEqual(150);
      // Tests that could reach the level: the rest (constant counts, errors in neither run) cannot.
      expect(judgement.tested.worse).toBeGreaterThanOrEqual(60);
      expect(judgement.changes.some((c) => c.duration?.verdict === 'too-few-samples')).toBe(true);
    }
  });

  it('reports no regression and no improvement on unchanged code, in any of 20 runs', () => {
    const found = unchanged.flatMap(({ seed, judgement }) =>
      judgement.findings
        .filter((f) => f.kind.endsWith('-regression') || f.kind.endsWith('-improvement'))
        .map((f) => `seed ${seed}: ${f.kind} ${f.service} › ${f.name}`),
    );
    expect(found).toEqual([]);
  });

  it('finds the operation 30% slower and the query in a loop, every time', () => {
    const missed = planted.flatMap(({ seed, judgement }) => [
      ...(verdictOf(judgement, SLOWER_OPERATION, 'duration') === 'regression'
        ? []
        : [`seed ${seed}: slower`]),
      ...(verdictOf(judgement, LOOPED_OPERATION, 'calls') === 'regression' ? [] : [`seed ${seed}: loop`]),
    ]);
    expect(missed).toEqual([]);
  });

  it('reports no regression beyond what the plants change (the operations above them, their edges)', () => {
    const beyond = planted.flatMap(({ seed, shop, judgement }) => {
      const changed = new Set([
        ...plantedSubjects(shop, SLOWER_OPERATION),
        ...plantedSubjects(shop, LOOPED_OPERATION),
      ]);
      return regressedKeys(judgement)
        .filter((key) => !changed.has(key))
        .map((key) => `seed ${seed}: ${key}`);
    });
    expect(beyond).toEqual([]);
  });

  it('finds an operation failing 5% of the time where it never failed, every time, at 600 traces', () => {
    const missed = failing
      .filter(({ judgement }) => verdictOf(judgement, FAILING_OPERATION, 'errorRate') !== 'regression')
      .map(({ seed }) => seed);
    expect(missed).toEqual([]);
    const beyond = failing.flatMap(({ seed, shop, judgement }) => {
      const changed = plantedSubjects(shop, FAILING_OPERATION);
      return regressedKeys(judgement)
        .filter((key) => !changed.has(key))
        .map((key) => `seed ${seed}: ${key}`);
    });
    expect(beyond).toEqual([]);
  });
});
