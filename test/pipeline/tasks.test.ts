import { describe, expect, it } from 'vitest';
import type { ErrorRecord } from '../../src/analysis/error-records.js';
import {
  checkPropagation,
  PropagationCheck,
  type TracePart,
} from '../../src/analysis/propagation/check-propagation.js';
import { buildTree } from '../../src/model/build-tree.js';
import { earliestStart } from '../../src/model/collect-traces.js';
import type { Nanos, Trace } from '../../src/model/types.js';
import { loadTraces } from '../../src/pipeline/inputs.js';
import { otherRootServices, runTask, type TraceTask, taskTotals } from '../../src/pipeline/tasks.js';
import { makeTrace, ms, sid, tid } from '../helpers/make-span.js';

async function load(file: string): Promise<Trace[]> {
  const stdin: AsyncIterable<Buffer> = (async function* () {})();
  const loaded = await loadTraces(
    { files: [file], inputFormat: 'auto', stdinIsTTY: true, stdin },
    { warn: (m) => expect.fail(`unexpected warning: ${m}`) },
  );
  return loaded.traces;
}

type RecordList = ErrorRecord[];

const errorsTask = (service?: string, limits: Nanos[] = []): TraceTask => ({
  kind: 'errors',
  limits,
  service,
});

/** The propagation report of traces whose parts a task worked out one by one, with its totals. */
function reportFromParts(traces: readonly Trace[], external: string[] = []) {
  const listed = new Set<string>();
  for (const trace of traces) otherRootServices(trace, listed);
  const task: TraceTask = { kind: 'propagation', external, listed: [...listed] };
  const parts = traces.map((trace) => runTask(trace, task) as TracePart);
  const check = new PropagationCheck({ external: new Set(external) });
  check.addTotals(taskTotals(task)!);
  for (const part of parts) check.addPart(part);
  return check.report();
}

describe('runTask: errors', () => {
  it('gives the failing spans of order-service-down, the refused call as the origin', async () => {
    const [trace] = await load('fixtures/seed/order-service-down.otlp.json');
    const records = runTask(trace!, errorsTask()) as RecordList;
    // README: the CLIENT span fails with ECONNREFUSED; get_user_orders and get_user_profile record
    // the same exception; user-service answers 502.
    expect(records.map((r) => [r.operation, r.errorClass, r.errorType])).toEqual([
      ['GET', 'propagated', 'HTTP 502'],
      ['get_user_profile', 'propagated', 'ECONNREFUSED'],
      ['get_user_orders', 'propagated', 'ECONNREFUSED'],
      ['GET', 'origin', 'ECONNREFUSED'],
    ]);
    const origin = records.find((r) => r.errorClass === 'origin')!;
    expect(origin.service).toBe('user-service');
    expect(origin.message).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(origin.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(records.every((r) => r.traceId === trace!.traceId && r.where === undefined)).toBe(true);
  });

  it('with a service, keeps its own failures and those it saw downstream, and says which', async () => {
    const [trace] = await load('fixtures/seed/order-service-slow.otlp.json');
    // README: query_orders runs on past user-service's 5 s timeout: the slow span behind it.
    const all = runTask(trace!, errorsTask()) as RecordList;
    expect(all.map((r) => [r.service, r.operation, r.errorClass])).toContainEqual([
      'order-service',
      'query_orders',
      'timeout',
    ]);
    expect(all.every((r) => r.timedOut)).toBe(true);
    const orders = runTask(trace!, errorsTask('order-service')) as RecordList;
    expect(orders.map((r) => [r.service, r.operation, r.errorClass, r.where])).toEqual([
      ['order-service', 'query_orders', 'timeout', 'in-service'],
    ]);
  });

  it('gives nothing for a trace without failures, or for a service that is not in it', async () => {
    const [healthy] = await load('fixtures/seed/healthy.otlp.json');
    expect(runTask(healthy!, errorsTask())).toEqual([]);
    const [down] = await load('fixtures/seed/order-service-down.otlp.json');
    expect(runTask(down!, errorsTask('payment'))).toEqual([]);
  });

  it('passes the timeout limits on: a failure lasting exactly a limit timed out', () => {
    // A failed call of exactly 7 s, no child: 7 s is no round limit, only `--timeout 7s` explains it.
    const trace = makeTrace([
      {
        kind: 'client',
        name: 'call',
        startMs: 0,
        endMs: 7_000,
        status: { code: 'error', message: 'failed' },
      },
    ]);
    const [plain] = runTask(trace, errorsTask()) as RecordList;
    const [limited] = runTask(trace, errorsTask(undefined, [ms(7_000)])) as RecordList;
    expect(plain!.timedOut).toBe(false);
    expect(limited!.timedOut).toBe(true);
    expect(limited!.errorClass).toBe('timeout');
  });
});

describe('runTask: summaries', () => {
  it('sums a trace up in one line', async () => {
    const [trace] = await load('fixtures/seed/healthy.otlp.json');
    // README: GET (user-service) › … › GET (order-service, SERVER) › query_orders: 7 spans.
    expect(runTask(trace!, { kind: 'summaries' })).toEqual({
      traceId: trace!.traceId,
      start: earliestStart(trace!),
      durationMs: expect.any(Number),
      spanCount: 7,
      errorCount: 0,
      rootService: 'user-service',
      rootName: 'GET',
      rootMissing: false,
      services: ['user-service', 'order-service'],
    });
  });

  it('counts the failing spans', async () => {
    const [trace] = await load('fixtures/seed/order-service-down.otlp.json');
    expect(runTask(trace!, { kind: 'summaries' })).toMatchObject({ spanCount: 5, errorCount: 4 });
  });
});

describe('runTask: propagation', () => {
  it('gives each trace its part without what the totals take, and the totals apart', async () => {
    const traces = await load('fixtures/propagation/proxy-drops-headers.otlp.jsonl');
    const task: TraceTask = { kind: 'propagation', external: [] };
    expect(taskTotals(task)).toBeUndefined();
    const parts = traces.map((trace) => runTask(trace, task) as TracePart);
    expect(parts.map((p) => [p.traceId, p.spans])).toEqual(traces.map((t) => [t.traceId, t.spans.length]));
    for (const part of parts) expect(part.index).toMatchObject({ services: [], servers: [] });
    const totals = taskTotals(task)!;
    expect([...totals.services].sort()).toEqual(['order-service', 'user-service']);
    expect(totals.servedAt.map(([, service]) => service).sort()).toEqual(['order-service', 'user-service']);
  });

  it('keeps totals per task object', async () => {
    const [caller, callee] = await load('fixtures/propagation/proxy-drops-headers.otlp.jsonl');
    const first: TraceTask = { kind: 'propagation', external: [] };
    const second: TraceTask = { kind: 'propagation', external: [] };
    runTask(caller!, first);
    runTask(callee!, second);
    expect(taskTotals(first)!.services).toEqual(['user-service']);
    expect(taskTotals(second)!.services).toEqual(['order-service']);
  });

  it.each([
    ['fixtures/propagation/proxy-drops-headers.otlp.jsonl', 'split-trace'],
    ['fixtures/propagation/proxy-forwards-headers.otlp.jsonl', 'hidden-hop'],
    ['fixtures/propagation/lost-in-callback.otlp.jsonl', 'context-lost'],
    ['fixtures/seed/healthy.otlp.json', undefined],
  ])('parts and totals of %s give the report of the whole trees (%s)', async (file, kind) => {
    const traces = await load(file);
    const fromParts = reportFromParts(traces);
    const whole = checkPropagation(
      traces.map((t) => buildTree(t)),
      { external: new Set() },
    );
    expect(fromParts).toEqual(whole);
    const kinds = fromParts.findings.map((f) => f.kind);
    if (kind) expect(kinds).toContain(kind);
    else expect(kinds).toEqual([]);
  });

  it('leaves out a call to an external peer', async () => {
    const traces = await load('fixtures/propagation/proxy-drops-headers.otlp.jsonl');
    const client = traces[0]!.spans.find((s) => s.kind === 'client')!;
    const peer = `${client.attributes['server.address']}:${client.attributes['server.port']}`;
    expect(reportFromParts(traces).findings.map((f) => f.kind)).toContain('split-trace');
    expect(reportFromParts(traces, [peer]).findings.map((f) => f.kind)).not.toContain('split-trace');
  });

  it("carries the listed services' spans in each part, for context-lost to look into", async () => {
    const [main] = await load('fixtures/propagation/lost-in-callback.otlp.jsonl');
    const listed = runTask(main!, {
      kind: 'propagation',
      external: [],
      listed: ['user-service'],
    }) as TracePart;
    const unlisted = runTask(main!, { kind: 'propagation', external: [], listed: [] }) as TracePart;
    const userSpans = main!.spans.filter((s) => s.service === 'user-service').map((s) => s.spanId);
    expect(listed.index.spans.map((s) => s.spanId).sort()).toEqual([...userSpans].sort());
    expect(unlisted.index.spans).toEqual([]);
  });
});

describe('otherRootServices', () => {
  it('adds the services of spans that may be roots of a lost context, not those of entry points', async () => {
    // README: write_audit_log is a new root INTERNAL span in user-service (trace B); trace A's
    // root is a SERVER span.
    const [main, audit] = await load('fixtures/propagation/lost-in-callback.otlp.jsonl');
    const into = new Set<string>(['already-there']);
    otherRootServices(main!, into);
    expect([...into]).toEqual(['already-there']);
    otherRootServices(audit!, into);
    expect([...into]).toEqual(['already-there', 'user-service']);
  });

  it('leaves out a root with a link (a linked consumer) and spans with a parent', () => {
    const into = new Set<string>();
    otherRootServices(
      makeTrace([
        { service: 'a', kind: 'producer' },
        { service: 'b', parent: '1' },
        {
          service: 'c',
          kind: 'internal',
          links: [{ traceId: tid('ff'), spanId: sid('f'), attributes: {} }],
        },
      ]),
      into,
    );
    expect([...into]).toEqual(['a']);
  });
});
