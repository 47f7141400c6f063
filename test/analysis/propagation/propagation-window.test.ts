import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PropagationCheck,
  type TracePart,
  tracePart,
} from '../../../src/analysis/propagation/check-propagation.js';
import type { PropagationFinding } from '../../../src/analysis/propagation/findings.js';
import { PropagationWindow } from '../../../src/analysis/propagation/propagation-window.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { byStartThenId, earliestStart } from '../../../src/model/collect-traces.js';
import type { Nanos, Trace, TraceId } from '../../../src/model/types.js';
import { concurrentSplits } from '../../helpers/concurrent-splits.js';
import { loadFile } from '../../helpers/load-file.js';
import { makeSpan } from '../../helpers/make-span.js';

/**
 * `receive`'s propagation window, kept up to date trace by trace, against what it replaces: the
 * whole check rebuilt over the window's parts for every batch of traces that completed (the last
 * `capacity` traces by the order of traces, as LiveCheck kept them). Both must give each new
 * trace the same findings, in the same order; and the window must do work in proportion to the
 * traces, not to the traces times the window.
 */
const NO_EXTERNAL = { external: new Set<string>() };

interface Completed {
  readonly start: Nanos;
  readonly traceId: TraceId;
  readonly part: TracePart;
}

function completed(trace: Trace): Completed {
  return {
    start: earliestStart(trace),
    traceId: trace.traceId,
    part: tracePart(buildTree(trace), NO_EXTERNAL, 'all'),
  };
}

/** The check LiveCheck ran before: PropagationCheck over the window and the new traces, every time. */
class Rebuilt {
  #recent: Completed[] = [];
  spansIndexed = 0;

  constructor(readonly capacity: number) {}

  add(batch: readonly Completed[]): Map<TraceId, PropagationFinding[]> {
    const window = [...this.#recent, ...batch].sort(byStartThenId);
    const check = new PropagationCheck(NO_EXTERNAL);
    for (const { part } of window) {
      check.addPart(part);
      this.spansIndexed += part.index.spans.length;
    }
    const named = new Set(batch.map((c) => c.traceId));
    const byTrace = new Map<TraceId, PropagationFinding[]>();
    const note = (traceId: TraceId, finding: PropagationFinding) => {
      if (!named.has(traceId)) return;
      byTrace.set(traceId, [...(byTrace.get(traceId) ?? []), finding]);
    };
    for (const finding of check.report().findings) {
      note(finding.traceId, finding);
      if ('relatedTraceId' in finding && finding.relatedTraceId !== finding.traceId)
        note(finding.relatedTraceId, finding);
    }
    this.#recent = window.slice(-this.capacity);
    return byTrace;
  }
}

/** Our SDK fixtures: split traces, lost context, a linked consumer, hidden hops, orphans, B3 against W3C. */
let fixtures: Trace[] = [];
beforeAll(async () => {
  for (const folder of ['seed', 'propagation']) {
    const dir = new URL(`../../../fixtures/${folder}/`, import.meta.url);
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.otlp.json'))
      .sort())
      fixtures.push(...(await loadFile(new URL(name, dir))).traces);
  }
  fixtures = fixtures.sort((a, b) => byStartThenId(keyOf(a), keyOf(b)));
});

const keyOf = (trace: Trace) => ({ start: earliestStart(trace), traceId: trace.traceId });

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Traces as `receive` completes them: a busy export with split calls and a clock 20 ms off, then
 * the fixtures; each completes at its end plus a random wait (so not in the order they started),
 * some in two halves with the same id (late spans make a second trace), taken in ticks of random
 * length.
 */
function batchesOf(seed: number): Completed[][] {
  const random = rng(seed);
  const busy = concurrentSplits({ requests: 80, splitRate: 0.3, seed }).traces;
  const pieces: Trace[] = [];
  for (const trace of [...busy, ...fixtures]) {
    if (trace.spans.length > 1 && random() < 0.1) {
      const cut = 1 + Math.floor(random() * (trace.spans.length - 1));
      pieces.push(
        { ...trace, spans: trace.spans.slice(0, cut) },
        { ...trace, spans: trace.spans.slice(cut) },
      );
    } else pieces.push(trace);
  }
  const done = pieces.map((trace) => ({
    trace,
    at: Number(trace.spans.reduce((end, s) => (s.end > end ? s.end : end), 0n)) + random() * 50e6,
  }));
  done.sort((a, b) => a.at - b.at);
  const batches: Completed[][] = [];
  let batch: Completed[] = [];
  for (const { trace } of done) {
    batch.push(completed(trace));
    if (random() < 0.5) {
      batches.push(batch.sort(byStartThenId));
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch.sort(byStartThenId));
  return batches;
}

describe('PropagationWindow', () => {
  it('gives each new trace the findings a rebuild over the window gives it, for any order, ticks and window', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 40 }),
        (seed, capacity) => {
          const window = new PropagationWindow(capacity);
          const rebuilt = new Rebuilt(capacity);
          for (const [i, batch] of batchesOf(seed).entries()) {
            const expected = rebuilt.add(batch);
            expect(window.add(batch), `batch ${i}`).toEqual(expected);
            for (const findings of expected.values()) for (const f of findings) kinds.add(f.kind);
          }
        },
      ),
      { numRuns: 20 },
    );
    // Without findings of every kind the comparison would prove little.
    expect([...kinds].sort()).toEqual([
      'clock-skew',
      'context-lost',
      'hidden-hop',
      'orphan-span',
      'split-trace',
      'unanswered-client',
    ]);
  });

  it('indexes each span once, however long the stream and the window: a rebuild indexed it up to 200 times', () => {
    // Healthy traffic, one trace a tick, as under a steady load.
    const { traces } = concurrentSplits({ requests: 600, splitRate: 0, seed: 3 });
    const window = new PropagationWindow(200);
    const rebuilt = new Rebuilt(200);
    let spans = 0;
    for (const trace of traces) {
      const batch = [completed(trace)];
      spans += trace.spans.length;
      expect(window.add(batch)).toEqual(rebuilt.add(batch));
    }
    expect(window.work.spansIndexed).toBe(spans);
    // The rebuild: each trace's spans again at each tick it stayed in the window (up to 200).
    expect(rebuilt.spansIndexed).toBeGreaterThan(150 * spans);
    // Nothing broken, no root of another kind: nothing to judge across traces.
    expect(window.work.callsJudged).toBe(0);
    expect(window.work.rootsChecked).toBe(0);
  });

  it('checks a root of another kind when its trace comes, not again for every later trace', () => {
    // A load generator: each trace a CLIENT root and the SERVER that answered it, one after another
    // (telemetrygen's shape). Each root is a root of another kind; none lost a context.
    const window = new PropagationWindow(200);
    const traces = loadGenerator(1_000);
    for (const trace of traces) expect(window.add([completed(trace)])).toEqual(new Map());
    expect(window.work.rootsChecked).toBe(1_000);
  });

  it('pairs the window’s unanswered calls again only when a new trace brings a call or a callee root', () => {
    // Every call split: the window fills with unanswered calls and the roots that answered them.
    const broken = concurrentSplits({ requests: 40, splitRate: 1, seed: 5 }).traces;
    const window = new PropagationWindow(50);
    const rebuilt = new Rebuilt(50);
    for (const trace of broken.sort((a, b) => byStartThenId(keyOf(a), keyOf(b)))) {
      const batch = [completed(trace)];
      expect(window.add(batch)).toEqual(rebuilt.add(batch));
    }
    const judged = window.work.callsJudged;
    expect(judged).toBeGreaterThan(0);
    // Then a load generator's traces (a CLIENT root and its SERVER): nothing of the pairing can
    // name them, so the window's unanswered calls are not paired again for each.
    for (const trace of loadGenerator(100, 1e6)) {
      const batch = [completed(trace)];
      expect(window.add(batch)).toEqual(rebuilt.add(batch));
    }
    expect(window.work.callsJudged).toBe(judged);
  });
});

/** `count` traces of a load generator, one after another from `atMs`: a CLIENT root, the SERVER that answered. */
function loadGenerator(count: number, atMs = 0): Trace[] {
  return Array.from({ length: count }, (_, i) => {
    const trace = (0x10000 + i).toString(16);
    const startMs = atMs + 10 * i;
    return {
      traceId: trace.padStart(32, '0') as TraceId,
      warnings: [],
      spans: [
        makeSpan({ trace, id: '1', service: 'loadgen', kind: 'client', startMs, endMs: startMs + 5 }),
        makeSpan({
          trace,
          id: '2',
          parent: '1',
          service: 'loadgen',
          kind: 'server',
          startMs: startMs + 1,
          endMs: startMs + 4,
        }),
      ],
    };
  });
}
