import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExport } from '../../bench/make-export.mjs';
import { ALL_ATTRIBUTES } from '../../src/analysis/compact-span.js';
import { BubbleUpAccumulator, type BubbleUpData } from '../../src/analysis/compare/bubble-up.js';
import { rankBubbleUp } from '../../src/analysis/compare/bubble-up-rank.js';
import { RunAggregate } from '../../src/analysis/compare/run-aggregate.js';
import { parseWhere } from '../../src/analysis/compare/where-predicate.js';
import type { ErrorRecord } from '../../src/analysis/error-records.js';
import { PerfAccumulator } from '../../src/analysis/perf/perf-report.js';
import type { PerfTotals } from '../../src/analysis/perf/perf-totals.js';
import { DEFAULT_PERF_THRESHOLDS } from '../../src/analysis/perf/thresholds.js';
import {
  type OrderFreeTotalsData,
  PropagationCheck,
  type TracePart,
} from '../../src/analysis/propagation/check-propagation.js';
import { SourceError, UsageError } from '../../src/errors.js';
import { byStartThenId, earliestStart } from '../../src/model/collect-traces.js';
import type { TraceQuery } from '../../src/model/query.js';
import type { TraceSummary } from '../../src/model/summary.js';
import type { Trace, TraceId } from '../../src/model/types.js';
import type { PipelineHooks } from '../../src/pipeline/hooks.js';
import { loadTraces } from '../../src/pipeline/inputs.js';
import {
  overTraces,
  type Selection,
  selectTraces,
  type TraceSource,
} from '../../src/pipeline/over-traces.js';
import type {
  CompareTotals,
  TaskResults,
  TaskTotals,
  TraceResult,
  TraceTask,
} from '../../src/pipeline/tasks.js';
import { fakeTraceBackend } from '../helpers/fake-trace-backend.js';
import { type DocSpan, otlpDocument } from '../helpers/otlp-doc.js';
import { ANY_QUERY } from '../helpers/query.js';

// The worker threads run dist/pipeline/parallel/worker.js, found next to the module that starts
// them: runs that compare both ways use the built pipeline (npx tsc -p tsconfig.build.json), the
// others the source.
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = (path: string) => pathToFileURL(join(REPO, 'dist', path)).href;
type OverTracesModule = typeof import('../../src/pipeline/over-traces.js');
type ErrorsModule = typeof import('../../src/errors.js');
let built: OverTracesModule;
let builtErrors: ErrorsModule;

const SERIAL = { OTRACE_THREADS: '1' };
const PARALLEL = { OTRACE_THREADS: '2', OTRACE_PARALLEL_MIN_BYTES: '0' };
/** Files are searched without a limit (the CLI's default for files). */
const EVERYTHING: TraceQuery = { ...ANY_QUERY, limit: Number.POSITIVE_INFINITY };
const NO_STDIN: AsyncIterable<Buffer> = {
  [Symbol.asyncIterator]: () => {
    throw new Error('stdin was read');
  },
};

let dir: string;
/** 2,000 spans over 101 traces (one request split in two), spread over 20 lines. */
let exportFile: string;
let splits: string[];
/** The export's traces, read here in-process, to check the results against. */
let exportTraces: Trace[];

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/pipeline/parallel/worker.js')))
    throw new Error('dist/ is missing: build it first (npx tsc -p tsconfig.build.json)');
  built = (await import(BUILT('pipeline/over-traces.js'))) as OverTracesModule;
  builtErrors = (await import(BUILT('errors.js'))) as ErrorsModule;
  dir = await mkdtemp(join(tmpdir(), 'otrace-over-traces-'));
  exportFile = join(dir, 'export.jsonl');
  ({ splits } = await makeExport(exportFile, 2_000));
  exportTraces = (
    await loadTraces(
      { files: [exportFile], inputFormat: 'auto', stdinIsTTY: true, stdin: NO_STDIN },
      { warn: () => {} },
    )
  ).traces;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const filesSource = (files: string[], stdin = NO_STDIN): TraceSource => ({
  kind: 'files',
  files,
  inputFormat: 'auto',
  stdinIsTTY: stdin === NO_STDIN,
  stdin,
});

interface Run<R, T> {
  readonly results: TraceResult<R>[];
  readonly totals: T[];
  readonly debug: string[];
  readonly warnings: string[];
}

/** overTraces of the built pipeline with hooks that record what it says. */
async function run<K extends TraceTask['kind']>(
  selection: Omit<Selection, 'env'>,
  task: Extract<TraceTask, { kind: K }>,
  env: NodeJS.ProcessEnv,
): Promise<Run<TaskResults[K], TaskTotals[K]>> {
  const debug: string[] = [];
  const warnings: string[] = [];
  const hooks: PipelineHooks = { warn: (m) => warnings.push(m), debug: (m) => debug.push(m) };
  const out = await built.overTraces({ ...selection, env }, task, hooks);
  // The results are worked out as they are iterated, the totals after.
  const results = [...out.results];
  return { results, totals: out.totals(), debug, warnings };
}

/** The same selection and task in-process and on two worker threads (proven by the debug line). */
async function bothWays<K extends TraceTask['kind']>(
  selection: Omit<Selection, 'env'>,
  task: Extract<TraceTask, { kind: K }>,
) {
  const [serial, parallel] = await Promise.all([
    run(selection, task, SERIAL),
    run(selection, task, PARALLEL),
  ]);
  expect(serial.debug).toEqual([]);
  const files = (selection.source as Extract<TraceSource, { kind: 'files' }>).files;
  expect(parallel.debug).toEqual([`reading ${files[0]} with 2 threads`]);
  expect(serial.warnings).toEqual([]);
  expect(parallel.warnings).toEqual([]);
  return { serial, parallel };
}

const ids = (list: readonly { traceId: string }[]) => list.map((r) => r.traceId);

/** The export's traces in the order of traces everywhere, worked out here. */
function inTraceOrder(traces: readonly Trace[]): Trace[] {
  return [...traces].sort((a, b) =>
    byStartThenId(
      { start: earliestStart(a), traceId: a.traceId },
      { start: earliestStart(b), traceId: b.traceId },
    ),
  );
}

describe('overTraces over a file: the same on one thread and on worker threads', () => {
  it('errors: a result per trace, with records for exactly the failing traces', async () => {
    const task = { kind: 'errors', limits: [], service: undefined } as const;
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query: EVERYTHING },
      task,
    );
    expect(parallel.results).toEqual(serial.results);
    expect(serial.totals).toEqual([]);
    expect(parallel.totals).toEqual([]);
    expect(serial.results).toHaveLength(exportTraces.length);
    const failing = exportTraces
      .filter((t) => t.spans.some((s) => s.status.code === 'error'))
      .map((t) => t.traceId);
    expect(failing.length).toBeGreaterThan(0);
    const withRecords = serial.results
      .filter((r) => (r.result as ErrorRecord[]).length > 0)
      .map((r) => r.traceId);
    expect(withRecords.sort()).toEqual(failing.sort());
    // make-export: the last service's handler throws NotFoundError, the origin of each failure.
    for (const { result } of serial.results)
      for (const record of result as ErrorRecord[])
        if (record.errorClass === 'origin') expect(record.errorType).toBe('NotFoundError');
  });

  it('summaries: one per trace, every span counted once', async () => {
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query: EVERYTHING },
      { kind: 'summaries' },
    );
    expect(parallel.results).toEqual(serial.results);
    expect(parallel.results).toHaveLength(101);
    expect(parallel.results.reduce((n, r) => n + (r.result as TraceSummary).spanCount, 0)).toBe(2_000);
    for (const { traceId, result } of parallel.results)
      expect((result as TraceSummary).traceId).toBe(traceId);
  });

  it('perf: totals per thread that merge into the report one thread gives', async () => {
    const task = { kind: 'perf', thresholds: DEFAULT_PERF_THRESHOLDS } as const;
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query: EVERYTHING },
      task,
    );
    // Each trace is added up where it is read: one total in-process, one per worker.
    expect(serial.results).toHaveLength(exportTraces.length);
    expect(serial.totals).toHaveLength(1);
    expect(parallel.totals).toHaveLength(2);
    expect(parallel.totals.map((t) => t.traces).sort()).not.toContain(0);
    const report = (totals: readonly PerfTotals[]) => {
      const perf = new PerfAccumulator(DEFAULT_PERF_THRESHOLDS);
      for (const part of totals) perf.addTotals(part);
      return perf.report();
    };
    const [one, two] = [report(serial.totals), report(parallel.totals)];
    expect(two).toEqual(one);
    expect(one.traces).toBe(exportTraces.length);
    expect(one.breakdown.length).toBeGreaterThan(0);
    expect(one.breakdown.reduce((n, root) => n + root.traces, 0)).toBe(exportTraces.length);
  });

  it('compare: the same error records and parts per trace, totals that merge into the same run', async () => {
    const task = {
      kind: 'compare',
      limits: [],
      thresholds: DEFAULT_PERF_THRESHOLDS,
      external: [],
    } as const;
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query: EVERYTHING },
      task,
    );
    expect(parallel.results).toEqual(serial.results);
    expect(serial.results.some((r) => r.result.errors.length > 0)).toBe(true);
    expect(parallel.totals).toHaveLength(2);
    const run = (totals: readonly CompareTotals[]) => {
      const [first, ...rest] = totals.map((t) => RunAggregate.fromData(t.facts));
      for (const other of rest) first!.merge(other);
      const perf = new PerfAccumulator(DEFAULT_PERF_THRESHOLDS);
      for (const t of totals) perf.addTotals(t.perf);
      return {
        facts: first!.toData(),
        perf: perf.report(),
        propagation: addUp(totals.map((t) => t.propagation)),
      };
    };
    const [one, two] = [run(serial.totals), run(parallel.totals)];
    expect(two).toEqual(one);
    expect(one.facts.traces).toBe(exportTraces.length);
    expect(one.facts.subjects.length).toBeGreaterThan(0);
  });

  it('bubble-up: counts per thread that merge into what one thread counts', async () => {
    const task = { kind: 'bubble-up', limits: [], predicate: parseWhere('error') } as const;
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query: EVERYTHING, keepAttributes: [ALL_ATTRIBUTES] },
      task,
    );
    expect(parallel.totals).toHaveLength(2);
    const merged = (totals: readonly BubbleUpData[]) => {
      const all = new BubbleUpAccumulator();
      for (const t of totals) all.merge(t);
      return all.toData();
    };
    const one = merged(serial.totals);
    expect(merged(parallel.totals)).toEqual(one);
    const ranked = rankBubbleUp(one);
    expect(ranked.selection.traces + ranked.rest.traces).toBe(exportTraces.length);
    expect(ranked.selection.traces).toBeGreaterThan(0);
  });

  it('propagation: the same parts, totals that add up to the same, and the same report', async () => {
    const task = { kind: 'propagation', external: [] } as const;
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query: EVERYTHING },
      task,
    );
    // The spans a part carries keep the file's own line they were read from, on any thread.
    expect(parallel.results).toEqual(serial.results);
    // One total in-process, one per worker: what they add up to is the same.
    expect(serial.totals).toHaveLength(1);
    expect(parallel.totals).toHaveLength(2);
    expect(addUp(parallel.totals)).toEqual(addUp(serial.totals));
    expect(addUp(serial.totals).services).toEqual([
      'frontend',
      'inventory',
      'order-service',
      'payment',
      'user-service',
    ]);
    const report = (r: Run<TracePart, OrderFreeTotalsData>) => {
      const check = new PropagationCheck({ external: new Set() });
      for (const totals of r.totals) check.addTotals(totals);
      for (const { result } of r.results) check.addPart(result);
      return check.report();
    };
    const [one, two] = [report(serial), report(parallel)];
    expect(two).toEqual(one);
    expect(one.traces).toBe(101);
    expect(one.spans).toBe(2_000);
    // The one split request of the export is found, named by its caller's trace.
    expect(splits).toHaveLength(1);
    expect(one.findings.filter((f) => f.kind === 'split-trace').map((f) => f.traceId)).toEqual(splits);
  });

  it('orders the results by earliest start, then trace id', async () => {
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query: EVERYTHING },
      { kind: 'summaries' },
    );
    const expected = inTraceOrder(exportTraces);
    expect(ids(parallel.results)).toEqual(ids(expected));
    expect(ids(serial.results)).toEqual(ids(expected));
    expect(parallel.results.map((r) => r.start)).toEqual(expected.map(earliestStart));
  });

  it('breaks a tie of start times by trace id, whatever the order in the file', async () => {
    const [late, first, second] = ['11'.repeat(16), 'aa'.repeat(16), 'ff'.repeat(16)];
    const span = (traceId: string, id: number, startMs: number, parent?: number): DocSpan => ({
      id,
      parent,
      name: `s${id}`,
      startMs,
      endMs: startMs + 1,
      traceId,
    });
    // ff and aa start at the same instant; ff comes first in the file and has a span on the last line.
    const file = join(dir, 'ties.jsonl');
    await writeFile(
      file,
      [
        otlpDocument([span(second, 1, 0)]),
        otlpDocument([span(first, 2, 0)]),
        otlpDocument([span(late, 3, 5), span(second, 4, 1, 1)]),
      ]
        .map((doc) => `${JSON.stringify(doc)}\n`)
        .join(''),
    );
    const { serial, parallel } = await bothWays(
      { source: filesSource([file]), query: EVERYTHING },
      {
        kind: 'summaries',
      },
    );
    expect(ids(serial.results)).toEqual([first, second, late]);
    expect(parallel.results).toEqual(serial.results);
    expect((parallel.results[1]!.result as TraceSummary).spanCount).toBe(2);
  });

  it("cuts the results to the search's limit: the first traces in trace order", async () => {
    const query = { ...ANY_QUERY, limit: 10 };
    const { serial, parallel } = await bothWays(
      { source: filesSource([exportFile]), query },
      { kind: 'summaries' },
    );
    expect(ids(serial.results)).toEqual(ids(inTraceOrder(exportTraces).slice(0, 10)));
    expect(parallel.results).toEqual(serial.results);
  });

  it('keeps to the limit with a filter: the first matching traces', async () => {
    const query = { ...ANY_QUERY, tags: [['otel.status_code', 'error']] as const, limit: 3 };
    const task = { kind: 'errors', limits: [], service: undefined } as const;
    const { serial, parallel } = await bothWays({ source: filesSource([exportFile]), query }, task);
    const failing = inTraceOrder(exportTraces).filter((t) => t.spans.some((s) => s.status.code === 'error'));
    expect(ids(serial.results)).toEqual(ids(failing.slice(0, 3)));
    expect(parallel.results).toEqual(serial.results);
  });

  it('works a propagation check with a limit out on one thread, the limit kept', async () => {
    const query = { ...ANY_QUERY, limit: 5 };
    const out = await run(
      { source: filesSource([exportFile]), query },
      { kind: 'propagation', external: [] },
      PARALLEL,
    );
    expect(out.debug).toEqual([]);
    expect(ids(out.results)).toEqual(ids(inTraceOrder(exportTraces).slice(0, 5)));
    expect(out.totals).toHaveLength(1);
  });

  it('narrows to a service, or with everyService keeps the traces of every service', async () => {
    const query = { ...EVERYTHING, service: 'order-service' };
    const source = filesSource([exportFile]);
    const narrowed = await bothWays({ source, query }, { kind: 'summaries' });
    const every = await bothWays({ source, query, everyService: true }, { kind: 'summaries' });
    expect(narrowed.parallel.results).toEqual(narrowed.serial.results);
    expect(every.parallel.results).toEqual(every.serial.results);
    // The split request's caller half holds only frontend and user-service spans.
    expect(ids(narrowed.serial.results)).not.toContain(splits[0]);
    expect(narrowed.serial.results).toHaveLength(100);
    expect(ids(every.serial.results)).toContain(splits[0]);
    expect(ids(every.serial.results)).toEqual(ids(inTraceOrder(exportTraces)));
  });

  it('reads several files, or stdin, in-process even when threads are asked for', async () => {
    const files = ['fixtures/seed/healthy.otlp.jsonl', 'fixtures/seed/broken-propagation.otlp.jsonl'];
    const several = await run(
      { source: filesSource(files), query: EVERYTHING },
      { kind: 'summaries' },
      PARALLEL,
    );
    expect(several.debug).toEqual([]);
    expect(several.results.map((r) => (r.result as TraceSummary).spanCount)).toEqual([7, 5, 2]);
    const stdin = (async function* () {
      yield readFileSync('fixtures/seed/healthy.otlp.jsonl');
    })();
    const piped = await run(
      { source: filesSource([], stdin), query: EVERYTHING },
      { kind: 'summaries' },
      PARALLEL,
    );
    expect(piped.debug).toEqual([]);
    expect(piped.results).toEqual(several.results.slice(0, 1));
  });

  it('refuses an input with no spans with a SourceError, on either path', async () => {
    const file = join(dir, 'metrics.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ resourceMetrics: [] })}\n${JSON.stringify({ resourceLogs: [] })}\n`,
    );
    const selection = { source: filesSource([file]), query: EVERYTHING, env: SERIAL };
    const serial = await overTraces(selection, { kind: 'summaries' }, { warn: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(serial).toBeInstanceOf(SourceError);
    expect((serial as SourceError).message).toBe(`${file}: no spans found`);
    const parallel = await run(
      { source: filesSource([file]), query: EVERYTHING },
      { kind: 'summaries' },
      PARALLEL,
    ).catch((e: unknown) => e);
    expect(parallel).toBeInstanceOf(builtErrors.SourceError);
    expect((parallel as SourceError).message).toBe(`${file}: no spans found`);
  });

  it('refuses stdin with no spans, naming it', async () => {
    const stdin = (async function* () {
      yield Buffer.from(`${JSON.stringify({ resourceLogs: [] })}\n`);
    })();
    const selection = { source: filesSource([], stdin), query: EVERYTHING, env: SERIAL };
    const error = await overTraces(selection, { kind: 'summaries' }, { warn: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe('<stdin>: no spans found');
  });

  it('refuses TraceQL on files with a UsageError, before reading anything', async () => {
    const selection = {
      source: filesSource(['no-such-file.json']),
      query: { ...EVERYTHING, traceQL: '{ status = error }' },
      env: SERIAL,
    };
    await expect(overTraces(selection, { kind: 'summaries' }, { warn: () => {} })).rejects.toThrow(
      UsageError,
    );
    await expect(selectTraces(selection, { warn: () => {} })).rejects.toThrow(UsageError);
  });
});

/** Totals added up: the services, addresses and continued calls, whatever thread counted them. */
function addUp(totals: readonly OrderFreeTotalsData[]) {
  const services = new Set<string>();
  const servedAt = new Map<string, Set<string | undefined>>();
  const continued = new Map<string, number>();
  for (const part of totals) {
    for (const service of part.services) services.add(service);
    for (const [at, service] of part.servedAt) servedAt.set(at, (servedAt.get(at) ?? new Set()).add(service));
    for (const [caller, callee, calls] of part.continued)
      continued.set(`${caller} → ${callee}`, (continued.get(`${caller} → ${callee}`) ?? 0) + calls);
  }
  return {
    services: [...services].sort(),
    servedAt: [...servedAt].map(([at, s]) => [at, [...s].sort()]).sort(),
    continued: [...continued].sort(),
  };
}

describe('overTraces over a backend', () => {
  const T1 = '1'.repeat(32) as TraceId;
  const T2 = '2'.repeat(32) as TraceId;
  const T3 = '3'.repeat(32) as TraceId;
  const summary = (traceId: TraceId, start: bigint): TraceSummary => ({
    traceId,
    start,
    durationMs: 12,
    spanCount: 4,
    errorCount: 1,
    rootService: 'shop',
    rootName: 'GET /cart',
    rootMissing: false,
    services: ['shop'],
  });
  const shopQuery = { ...ANY_QUERY, service: 'shop' };
  /** A search answer of two traces of the shop: T1 (two spans, one failing) starts before T2. */
  const SEARCH_ANSWER = {
    kind: 'documents' as const,
    documents: [
      {
        url: 'http://jaeger.test/api/v3/traces',
        document: otlpDocument([
          { id: 1, name: 'GET /cart', service: 'shop', kind: 2, startMs: 0, endMs: 20, traceId: T1 },
          {
            id: 2,
            parent: 1,
            name: 'charge',
            service: 'shop',
            startMs: 5,
            endMs: 10,
            status: { code: 2, message: 'declined' },
            traceId: T1,
          },
          { id: 3, name: 'GET /home', service: 'shop', kind: 2, startMs: 100, endMs: 110, traceId: T2 },
        ]),
      },
    ],
  };
  const hooks = { warn: (m: string) => expect.fail(`unexpected warning: ${m}`) };

  it("summaries: takes the backend's own summaries, newest first, cut to the limit, without a search", async () => {
    const backend = fakeTraceBackend('jaeger', {
      traceSummaries: async () => [summary(T1, 10n), summary(T3, 30n), summary(T2, 20n)],
    });
    const query = { ...shopQuery, limit: 2 };
    const out = await overTraces(
      { source: { kind: 'backend', backend }, query, env: SERIAL },
      { kind: 'summaries' },
      hooks,
    );
    expect([...out.results]).toEqual([
      { traceId: T3, start: 30n, result: summary(T3, 30n) },
      { traceId: T2, start: 20n, result: summary(T2, 20n) },
    ]);
    expect(out.totals()).toEqual([]);
    expect(backend.calls.traceSummaries).toEqual([query]);
    expect(backend.calls.searchTraces).toEqual([]);
  });

  it('summaries: searches and sums the traces up itself when the backend has no summaries', async () => {
    const backend = fakeTraceBackend('jaeger', {
      traceSummaries: async () => undefined,
      searchTraces: async () => SEARCH_ANSWER,
    });
    const out = await overTraces(
      { source: { kind: 'backend', backend }, query: shopQuery, env: SERIAL },
      { kind: 'summaries' },
      hooks,
    );
    const results = [...out.results];
    expect(backend.calls.traceSummaries).toHaveLength(1);
    expect(backend.calls.searchTraces).toEqual([shopQuery]);
    expect(
      results.map((r) => [r.traceId, r.result.spanCount, r.result.errorCount, r.result.rootName]),
    ).toEqual([
      [T2, 1, 0, 'GET /home'],
      [T1, 2, 1, 'GET /cart'],
    ]);
    expect(results.map((r) => r.start)).toEqual(results.map((r) => r.result.start));
  });

  it('summaries: Jaeger without --service is refused before it is asked for summaries', async () => {
    const backend = fakeTraceBackend('jaeger', { services: async () => ['shop'] });
    await expect(
      overTraces(
        { source: { kind: 'backend', backend }, query: ANY_QUERY, env: SERIAL },
        { kind: 'summaries' },
        hooks,
      ),
    ).rejects.toThrow(UsageError);
    expect(backend.calls.traceSummaries).toEqual([]);
  });

  it('errors: works the task out on the traces the search found, newest first', async () => {
    const backend = fakeTraceBackend('jaeger', { searchTraces: async () => SEARCH_ANSWER });
    const out = await overTraces(
      { source: { kind: 'backend', backend }, query: shopQuery, env: SERIAL },
      { kind: 'errors', limits: [], service: undefined },
      hooks,
    );
    expect(backend.calls.traceSummaries).toEqual([]);
    expect(
      [...out.results].map((r) => [r.traceId, r.result.map((e) => [e.operation, e.errorClass])]),
    ).toEqual([
      [T2, []],
      [T1, [['charge', 'origin']]],
    ]);
  });

  it("propagation with everyService: every Jaeger service is searched, and a split trace's halves meet", async () => {
    const [caller, callee] = readFileSync('fixtures/propagation/proxy-drops-headers.otlp.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const backend = fakeTraceBackend('jaeger', {
      services: async () => ['user-service', 'order-service'],
      searchTraces: async (query) => ({
        kind: 'documents',
        documents: [
          { url: 'http://jaeger.test/search', document: query.service === 'user-service' ? caller : callee },
        ],
      }),
    });
    const out = await overTraces(
      { source: { kind: 'backend', backend }, query: shopQuery, everyService: true, env: SERIAL },
      { kind: 'propagation', external: [] },
      hooks,
    );
    expect(backend.calls.searchTraces.map((q) => q.service)).toEqual(['user-service', 'order-service']);
    const check = new PropagationCheck({ external: new Set() });
    for (const { result } of out.results) check.addPart(result);
    for (const totals of out.totals()) check.addTotals(totals);
    expect(check.report().findings.map((f) => f.kind)).toContain('split-trace');
  });
});

describe('selectTraces', () => {
  const source = filesSource(['fixtures/seed/broken-propagation.otlp.json']);

  it('gives the selected traces whole, in trace order', async () => {
    const traces = await selectTraces({ source, query: EVERYTHING, env: SERIAL }, { warn: () => {} });
    // README: user-service's trace (5 spans), then order-service's new root (2 spans).
    expect(traces.map((t) => [t.spans.length, [...new Set(t.spans.map((s) => s.service))]])).toEqual([
      [5, ['user-service']],
      [2, ['order-service']],
    ]);
  });

  it('narrows to a service, or keeps every service with everyService', async () => {
    const query = { ...EVERYTHING, service: 'order-service' };
    const narrowed = await selectTraces({ source, query, env: SERIAL }, { warn: () => {} });
    expect(narrowed.map((t) => t.spans.length)).toEqual([2]);
    const every = await selectTraces({ source, query, everyService: true, env: SERIAL }, { warn: () => {} });
    expect(every.map((t) => t.spans.length)).toEqual([5, 2]);
  });

  it('keeps the attributes asked for and those the search names, beyond what the analysis reads', async () => {
    const healthy = filesSource(['fixtures/seed/healthy.otlp.json']);
    const attributesOf = (traces: Trace[]) =>
      traces.flatMap((t) => t.spans.flatMap((s) => Object.keys(s.attributes)));
    const plain = await selectTraces({ source: healthy, query: EVERYTHING, env: SERIAL }, { warn: () => {} });
    expect(attributesOf(plain)).not.toContain('user.id');
    expect(attributesOf(plain)).not.toContain('db.query.text');
    expect(attributesOf(plain)).toContain('http.response.status_code');
    const kept = await selectTraces(
      {
        source: healthy,
        query: {
          ...EVERYTHING,
          tags: [['db.query.text', 'SELECT id, total FROM orders WHERE user_id = $1']],
        },
        keepAttributes: ['user.id'],
        env: SERIAL,
      },
      { warn: () => {} },
    );
    expect(kept).toHaveLength(1);
    expect(attributesOf(kept)).toContain('user.id');
    expect(attributesOf(kept)).toContain('db.query.text');
  });

  it('searches a backend for them', async () => {
    const T = 'abababababababababababababababab';
    const backend = fakeTraceBackend('tempo', {
      searchTraces: async () => ({
        kind: 'documents',
        documents: [
          { url: 'u', document: otlpDocument([{ id: 1, name: 'x', startMs: 0, endMs: 1, traceId: T }]) },
        ],
      }),
    });
    const traces = await selectTraces(
      { source: { kind: 'backend', backend }, query: ANY_QUERY, env: SERIAL },
      {
        warn: () => {},
      },
    );
    expect(ids(traces)).toEqual([T]);
    expect(backend.calls.searchTraces).toEqual([ANY_QUERY]);
  });
});
