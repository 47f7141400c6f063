import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BottomK } from '../../../src/analysis/compare/bottom-k.js';
import { operationKey } from '../../../src/analysis/compare/compare-subject.js';
import { RunAggregate } from '../../../src/analysis/compare/run-aggregate.js';
import type { TraceFacts } from '../../../src/analysis/compare/trace-facts.js';
import { Random } from '../../helpers/random.js';

const KEYS = [
  operationKey('a', 'x'),
  operationKey('a', 'y'),
  operationKey('b', 'x'),
  operationKey('c', 'db'),
];

/** Facts of one trace: a few subjects, each with calls whose hashes often collide (ties). */
const traceFacts = (index: number) =>
  fc
    .record({
      subjects: fc.uniqueArray(
        fc.record({
          key: fc.constantFrom(...KEYS),
          calls: fc.array(
            fc.record({ us: fc.integer({ min: 0, max: 500 }), hash: fc.integer({ min: 0, max: 40 }) }),
            {
              minLength: 1,
              maxLength: 5,
            },
          ),
          errors: fc.nat({ max: 2 }),
        }),
        { selector: (s) => s.key, maxLength: 4 },
      ),
      root: fc.option(fc.record({ key: fc.constantFrom(...KEYS), us: fc.integer({ min: 0, max: 9_000 }) }), {
        nil: undefined,
      }),
    })
    .map(
      ({ subjects, root }): TraceFacts => ({
        traceId: index.toString(16).padStart(32, '0'),
        root: root && { key: root.key, spanId: '00000000000000aa', durationUs: root.us },
        subjects: subjects.map((s) => {
          const slowest = Math.max(...s.calls.map((c) => c.us));
          return {
            key: s.key,
            durationsUs: s.calls.map((c) => c.us),
            sampleHashes: s.calls.map((c) => c.hash),
            errors: Math.min(s.errors, s.calls.length),
            slowestSpanId: `${s.calls.findIndex((c) => c.us === slowest)}`.padStart(16, '0'),
            slowestUs: slowest,
          };
        }),
      }),
    );

/** Some traces, each with its own id. */
const manyTraces = fc
  .integer({ min: 0, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => traceFacts(i))))
  .map((traces): TraceFacts[] => traces);

function aggregate(traces: readonly TraceFacts[], sampleSize: number): RunAggregate {
  const out = new RunAggregate(sampleSize);
  for (const facts of traces) out.addTrace(facts);
  return out;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = new Random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('RunAggregate', () => {
  it('is the same whatever order the traces come in', () => {
    fc.assert(
      fc.property(manyTraces, fc.integer(), fc.integer({ min: 1, max: 6 }), (traces, seed, k) => {
        expect(aggregate(shuffled(traces, seed), k).toData()).toEqual(aggregate(traces, k).toData());
      }),
      { numRuns: 300 },
    );
  });

  it('merged from any split among workers, is the aggregate of all the traces', () => {
    fc.assert(
      fc.property(manyTraces, fc.integer(), fc.integer({ min: 1, max: 4 }), (traces, seed, workers) => {
        const k = 3;
        const random = new Random(seed);
        const parts = Array.from({ length: workers }, () => new RunAggregate(k));
        for (const facts of traces) parts[random.int(0, workers - 1)]!.addTrace(facts);
        // Merged through plain data, as worker threads hand them over.
        const merged = parts
          .map((part) => RunAggregate.fromData(structuredClone(part.toData())))
          .reduce((into, part) => into.merge(part), new RunAggregate(k));
        expect(merged.toData()).toEqual(aggregate(traces, k).toData());
        expect(merged.traces).toBe(traces.length);
      }),
      { numRuns: 300 },
    );
  });

  it('counts exactly and keeps the k smallest (hash, duration) of each subject', () => {
    fc.assert(
      fc.property(manyTraces, fc.integer({ min: 1, max: 6 }), (traces, k) => {
        const data = aggregate(traces, k).toData();
        for (const key of KEYS) {
          const calls = traces.flatMap((t) => t.subjects.filter((s) => s.key === key));
          const stats = data.subjects.find((s) => s.key === key);
          if (calls.length === 0) {
            expect(stats).toBeUndefined();
            continue;
          }
          const items = calls.flatMap((s) => s.durationsUs.map((us, i) => [s.sampleHashes[i]!, us] as const));
          expect(stats!.traces).toBe(calls.length);
          expect(stats!.calls).toBe(items.length);
          expect(stats!.sumUs).toBe(items.reduce((sum, [, us]) => sum + us, 0));
          expect(stats!.maxUs).toBe(Math.max(...items.map(([, us]) => us)));
          expect(stats!.errors).toBe(calls.reduce((sum, s) => sum + s.errors, 0));
          expect(stats!.failingTraces).toBe(calls.filter((s) => s.errors > 0).length);
          const smallest = [...items].sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, k);
          expect(stats!.spanHashes).toEqual(smallest.map(([h]) => h));
          expect(stats!.spanDurationsUs).toEqual(smallest.map(([, us]) => us));
          expect(stats!.traceHashes.length).toBe(Math.min(k, calls.length));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('summarises every call while there are no more than the sample size', () => {
    const traces = Array.from({ length: 30 }, (_, t) => ({
      traceId: t.toString(16).padStart(32, '0'),
      root: undefined,
      subjects: [
        {
          key: KEYS[0]!,
          durationsUs: [t * 10, t * 10 + 5],
          sampleHashes: [t * 2, t * 2 + 1],
          errors: t % 10 === 0 ? 1 : 0,
          slowestSpanId: '0000000000000002',
          slowestUs: t * 10 + 5,
        },
      ],
    }));
    const summary = aggregate(traces, 100).summaries().get(KEYS[0]!)!;
    expect(summary.subject).toEqual({ scope: 'operation', service: 'a', name: 'x' });
    expect(summary.durationsUs).toEqual(
      traces.flatMap((t) => t.subjects[0]!.durationsUs).sort((a, b) => a - b),
    );
    expect([...summary.perTraceCalls].sort()).toEqual(Array(30).fill(2));
    expect([...summary.perTraceMeanUs].sort((a, b) => a - b)).toEqual(traces.map((_, t) => t * 10 + 2.5));
    expect(summary.failingTraces).toBe(3);
    expect(summary.slowest).toEqual({ traceId: traces[29]!.traceId, spanId: '0000000000000002', us: 295 });
  });

  it('holds no more than k items per sample, whatever it is offered', () => {
    const sample = new BottomK(50, 2);
    for (let i = 0; i < 100_000; i++) sample.offer((i * 2_654_435_761) >>> 0, i, 1);
    expect(sample.size).toBe(50);
    const { hashes } = sample.items();
    expect(hashes).toEqual([...hashes].sort((a, b) => a - b));
  });

  it('refuses to merge samples of different sizes', () => {
    expect(() => new RunAggregate(10).merge(new RunAggregate(20))).toThrow(
      /samples of 20 into samples of 10/,
    );
  });
});
