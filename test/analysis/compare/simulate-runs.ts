import { edgeKey, operationKey, peerEdgeKey } from '../../../src/analysis/compare/compare-subject.js';
import type { Attributes, Nanos, Span, SpanId, SpanKind, Trace, TraceId } from '../../../src/model/types.js';
import { nanos } from '../../../src/model/units.js';
import { Random } from '../../helpers/random.js';

/**
 * Test runs of a made-up shop, seeded: a gateway with 8 endpoints of unequal traffic, each
 * calling an auth service and two to four of eleven other services over HTTP, which query their
 * databases (some in loops of 1–4) and sometimes call one more service: 100–170 operations and
 * 70–125 edges, depending on the seed. Each operation takes its own time, lognormal (median
 * 0.3–60 ms, σ 0.2–0.5; the medians of auth and its query are fixed, 6 and 2 ms), times a
 * factor shared by the whole trace (σ 0.1: a request's spans share its conditions); a span lasts
 * its own time plus its children's, one after another. About one operation in six fails now and
 * then (0.2–2% of calls); a client fails when its server does.
 *
 *   gateway › GET /e0 ─┬─ gateway › HTTP POST /verify ── auth › POST /verify ── auth › SELECT sessions ─▶ auth-db
 *                      └─ gateway › HTTP GET /s3/e0 ── s3 › GET /e0 ─┬─ s3 › SELECT e0q0 (×1–4) ─▶ s3-db
 *                                                                    └─ s3 › HTTP GET … ── s7 › … (sometimes)
 *
 * A run is `traces` requests drawn from the shop; `plants` change the candidate's: one
 * operation slower, a query in a loop (N+1), an operation failing.
 */
export interface Plants {
  /** `auth › POST /verify` (some 8 ms with its query), in every trace, this many times slower. */
  readonly slower?: number;
  /** The first query of the busiest endpoint, once per trace: this many times instead. */
  readonly loop?: number;
  /** `auth › SELECT sessions`, in every trace, failing this share of its calls (0 without). */
  readonly failing?: number;
}

export const SLOWER_OPERATION = operationKey('auth', 'POST /verify');
export const LOOPED_OPERATION = operationKey('s0', 'SELECT e0q0');
export const FAILING_OPERATION = operationKey('auth', 'SELECT sessions');

interface Node {
  readonly service: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly medianMs: number;
  readonly sigma: number;
  readonly errorRate: number;
  /** Calls per parent: fixed, or uniform in [min, max]. */
  readonly min: number;
  readonly max: number;
  readonly db: string | undefined;
  readonly children: Node[];
}

export interface Shop {
  readonly endpoints: readonly Node[];
  readonly weights: readonly number[];
}

const SERVICES = Array.from({ length: 11 }, (_, i) => `s${i}`);
const WEIGHTS = [0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.06, 0.04];

export function makeShop(seed: number): Shop {
  const random = new Random(seed);
  const node = (service: string, name: string, kind: SpanKind, extra: Partial<Node> = {}): Node => ({
    service,
    name,
    kind,
    medianMs: Math.exp(random.between(Math.log(0.3), Math.log(60))),
    sigma: random.between(0.2, 0.5),
    errorRate: random.chance(1 / 6) ? random.between(0.002, 0.02) : 0,
    min: 1,
    max: 1,
    db: undefined,
    children: [],
    ...extra,
  });
  // A call from `caller` to an operation of `callee`: the client span, the server span, its queries.
  const call = (caller: string, callee: string, op: string, depth: number): Node => {
    const server = node(callee, `GET /${op}`, 'server');
    const queries = random.int(1, 3);
    for (let q = 0; q < queries; q++) {
      const max = random.chance(0.3) ? random.int(2, 4) : 1;
      server.children.push(node(callee, `SELECT ${op}q${q}`, 'client', { db: `${callee}-db`, max }));
    }
    if (depth === 0 && random.chance(0.3)) {
      const next = random.pick(SERVICES.filter((s) => s !== callee));
      server.children.push(call(callee, next, `${op}n`, 1));
    }
    return { ...node(caller, `HTTP GET /${callee}/${op}`, 'client'), errorRate: 0, children: [server] };
  };
  // One auth call, the same operations in every endpoint.
  const verify = {
    ...node('auth', 'POST /verify', 'server', { medianMs: 6, sigma: 0.35 }),
    errorRate: 0,
    children: [
      { ...node('auth', 'SELECT sessions', 'client', { db: 'auth-db', medianMs: 2 }), errorRate: 0 },
    ],
  };
  const verifyCall = { ...node('gateway', 'HTTP POST /verify', 'client'), errorRate: 0, children: [verify] };
  const endpoints = WEIGHTS.map((_, e) => {
    const root = node('gateway', `GET /e${e}`, 'server');
    root.children.push(verifyCall);
    const callees = e === 0 ? ['s0', ...pickSome(random, 1, 3)] : pickSome(random, 2, 4);
    for (const callee of callees) root.children.push(call('gateway', callee, `e${e}`, 0));
    return root;
  });
  // The busiest endpoint's first query runs once per trace, so that a loop planted there is a change.
  const first = endpoints[0]!.children.find((c) => c.name === 'HTTP GET /s0/e0')!.children[0]!.children[0]!;
  Object.assign(first, { min: 1, max: 1, errorRate: 0 });
  return { endpoints, weights: WEIGHTS };
}

function pickSome(random: Random, min: number, max: number): string[] {
  const pool = SERVICES.filter((s) => s !== 's0');
  const out: string[] = [];
  for (let n = random.int(min, max); n > 0; n--) out.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
  return out;
}

/** One run: `traces` requests, ids unique to (seed, run). */
export function simulateRun(shop: Shop, traces: number, seed: number, plants: Plants = {}): Trace[] {
  const random = new Random(seed);
  const out: Trace[] = [];
  for (let t = 0; t < traces; t++) {
    let pick = random.next();
    let e = 0;
    while (e < shop.weights.length - 1 && pick >= shop.weights[e]!) pick -= shop.weights[e++]!;
    const traceId = hex(seed, 16) + hex(t, 16);
    out.push({
      traceId: traceId as TraceId,
      spans: spansOf(shop.endpoints[e]!, traceId, random, plants),
      warnings: [],
    });
  }
  return out;
}

interface Drawn {
  readonly node: Node;
  readonly parent: number;
  /** Its own time, then with its children's. */
  selfMs: number;
  durationMs: number;
  failed: boolean;
}

function spansOf(root: Node, traceId: string, random: Random, plants: Plants): Span[] {
  const factor = Math.exp(0.1 * random.normal());
  // Pre-order: parents before children.
  const drawn: Drawn[] = [];
  const stack: { node: Node; parent: number }[] = [{ node: root, parent: -1 }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    let calls = random.int(node.min, node.max);
    const key = operationKey(node.service, node.name);
    if (key === LOOPED_OPERATION && plants.loop !== undefined) calls = plants.loop;
    for (let c = 0; c < calls; c++) {
      const selfMs = node.medianMs * Math.exp(node.sigma * random.normal()) * factor;
      const errorRate =
        key === FAILING_OPERATION && plants.failing !== undefined ? plants.failing : node.errorRate;
      drawn.push({ node, parent, selfMs, durationMs: selfMs, failed: random.chance(errorRate) });
      const index = drawn.length - 1;
      for (let i = node.children.length - 1; i >= 0; i--)
        stack.push({ node: node.children[i]!, parent: index });
    }
  }
  // Backwards, children before parents: a span lasts its own time and its children's; a client fails with its server.
  // A span's children all come after it: at i, its duration is complete, and a slowdown planted
  // there makes all of it (its own time and its calls') that much longer.
  for (let i = drawn.length - 1; i > 0; i--) {
    const child = drawn[i]!;
    if (
      plants.slower !== undefined &&
      operationKey(child.node.service, child.node.name) === SLOWER_OPERATION
    ) {
      const extra = child.durationMs * (plants.slower - 1);
      child.selfMs += extra;
      child.durationMs += extra;
    }
    const parent = drawn[child.parent]!;
    parent.durationMs += child.durationMs;
    if (child.failed && parent.node.kind === 'client') parent.failed = true;
  }
  const startMs = new Float64Array(drawn.length);
  const nextFree = Float64Array.from(drawn, (d) => d.selfMs / 2);
  for (let i = 1; i < drawn.length; i++) {
    const parent = drawn[i]!.parent;
    startMs[i] = startMs[parent]! + nextFree[parent]!;
    nextFree[parent]! += drawn[i]!.durationMs;
  }
  return drawn.map((d, i) => spanOf(d, i, traceId, startMs[i]!));
}

const NO_ATTRIBUTES: Attributes = {};

function spanOf(d: Drawn, i: number, traceId: string, startMs: number): Span {
  const start = BigInt(Math.round(startMs * 1e6));
  return {
    traceId: traceId as TraceId,
    spanId: hex(i + 1, 16) as SpanId,
    parentSpanId: d.parent < 0 ? undefined : (hex(d.parent + 1, 16) as SpanId),
    name: d.node.name,
    kind: d.node.kind,
    service: d.node.service,
    start: nanos(start) as Nanos,
    end: nanos(start + BigInt(Math.round(d.durationMs * 1e6))) as Nanos,
    status: d.failed ? { code: 'error', message: 'failed' } : { code: 'unset', message: '' },
    attributes: d.node.db ? { 'db.system': 'postgresql', 'server.address': d.node.db } : NO_ATTRIBUTES,
    resource: NO_ATTRIBUTES,
    scope: undefined,
    events: [],
    links: [],
    flags: undefined,
    warnings: [],
    origin: { file: 'simulated', line: 1 },
  };
}

/**
 * The subjects a plant changes, truly: the planted operation's, its edges', and those of every
 * operation above it (a span lasts its children's time; a client fails with its server).
 */
export function plantedSubjects(shop: Shop, planted: string): Set<string> {
  const out = new Set<string>();
  const stack: { node: Node; path: Node[] }[] = shop.endpoints.map((node) => ({ node, path: [] }));
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (operationKey(node.service, node.name) === planted) {
      const chain = [...path, node];
      chain.forEach((n, i) => {
        out.add(operationKey(n.service, n.name));
        const parent = chain[i - 1];
        if (parent && parent.service !== n.service) out.add(edgeKey(parent, n));
        if (n.db) out.add(peerEdgeKey(n, n.db));
      });
    }
    for (const child of node.children) stack.push({ node: child, path: [...path, node] });
  }
  return out;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
