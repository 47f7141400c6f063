import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkPropagation,
  OrderFreeTotals,
  PropagationCheck,
  type TracePart,
  tracePart,
} from '../../src/analysis/propagation/check-propagation.js';
import { buildTree } from '../../src/model/build-tree.js';
import { byStartThenId, earliestStart } from '../../src/model/collect-traces.js';
import type { Trace } from '../../src/model/types.js';
import { otherRootServices } from '../../src/pipeline/tasks.js';
import { loadFile } from '../helpers/load-file.js';

/**
 * Property-based: a propagation check over traces split among k readers, as the worker threads
 * split a big export (pipeline/parallel/), reports exactly what the check fed every trace whole
 * reports. Each reader works out its traces' parts with the services of every trace's possible
 * other roots (`listed`), takes out the order-free totals (OrderFreeTotals), and the parts are
 * joined in trace order. The traces are our own fixtures' (real SDK services: split traces,
 * lost context, orphans, B3 against W3C, a linked consumer), mixed in any proportion.
 */
const FOLDERS = ['seed', 'propagation'] as const;
let pool: Trace[] = [];

beforeAll(async () => {
  const traces: Trace[] = [];
  for (const folder of FOLDERS) {
    const dir = new URL(`../../fixtures/${folder}/`, import.meta.url);
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.otlp.json'))
      .sort())
      traces.push(...(await loadFile(new URL(name, dir))).traces);
  }
  pool = traces;
});

function whole(traces: readonly Trace[], external: ReadonlySet<string>) {
  return checkPropagation(
    traces.map((t) => buildTree(t)),
    { external },
  );
}

function split(
  traces: readonly Trace[],
  readerOf: readonly number[],
  k: number,
  external: ReadonlySet<string>,
  totalsFirst: boolean,
) {
  const listed = new Set<string>();
  for (const trace of traces) otherRootServices(trace, listed);
  const readers = Array.from({ length: k }, () => ({
    totals: new OrderFreeTotals(),
    parts: [] as TraceResult[],
  }));
  traces.forEach((trace, i) => {
    const reader = readers[readerOf[i]! % k]!;
    const part = reader.totals.take(tracePart(buildTree(trace), { external }, listed));
    reader.parts.push({ start: earliestStart(trace), traceId: trace.traceId, part });
  });
  const check = new PropagationCheck({ external });
  // The totals may come before the parts (worker threads) or after them (in-process).
  const addTotals = () => {
    for (const reader of readers) check.addTotals(reader.totals.data());
  };
  if (totalsFirst) addTotals();
  for (const { part } of readers.flatMap((r) => r.parts).sort(byStartThenId)) check.addPart(part);
  if (!totalsFirst) addTotals();
  return check.report();
}

interface TraceResult {
  readonly start: ReturnType<typeof earliestStart>;
  readonly traceId: Trace['traceId'];
  readonly part: TracePart;
}

describe('a propagation check split among readers', () => {
  it('has traces to split, and findings in them', () => {
    expect(pool.length).toBeGreaterThan(10);
    const report = whole(
      [...pool].sort((a, b) => byStartThenId(key(a), key(b))),
      new Set(),
    );
    // Without findings the property would hold trivially.
    expect(new Set(report.findings.map((f) => f.kind)).size).toBeGreaterThanOrEqual(3);
  });

  it('reports what the check fed whole reports, for any choice of traces, readers, external peers and order of the totals', () => {
    fc.assert(
      fc.property(
        fc.subarray([...pool.keys()], { minLength: 1 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { minLength: pool.length, maxLength: pool.length }),
        fc.subarray([...new Set(pool.flatMap((t) => t.spans.map((s) => s.service)))]),
        fc.boolean(),
        (chosen, k, readerOf, externalServices, totalsFirst) => {
          const traces = chosen.map((i) => pool[i]!).sort((a, b) => byStartThenId(key(a), key(b)));
          const external = new Set(externalServices);
          expect(split(traces, readerOf, k, external, totalsFirst)).toEqual(whole(traces, external));
        },
      ),
      { numRuns: 150 },
    );
  });
});

function key(trace: Trace) {
  return { start: earliestStart(trace), traceId: trace.traceId };
}
