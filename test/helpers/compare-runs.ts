import { writeFileSync } from 'node:fs';
import { Random } from './random.js';

/**
 * Test runs of a small shop for `otrace compare`, seeded, as OTLP JSON Lines (a line per trace):
 *
 *   frontend › GET /checkout (SERVER)
 *   ├─ frontend › GET /user (CLIENT) ── users › GET /user (SERVER)
 *   └─ frontend › POST /orders (CLIENT) ── orders › POST /orders (SERVER, on one of three pods)
 *      ├─ orders › SELECT items (CLIENT → postgres)       once, or once per item with `loop`
 *      └─ orders › GET /stock (CLIENT) ── inventory › GET /stock (SERVER)
 *                                          └─ inventory › SELECT stock (CLIENT → postgres)
 *
 * Each span takes its own time (lognormal around a median, σ 0.25) times a factor the whole trace
 * shares (σ 0.1), plus its children's, one after another. Orders fail now and then (2%, a
 * TimeoutError) in every run. Changes a candidate can plant: inventory's handler slower, the
 * items read once per item (an N+1 loop), users failing with an error of a new type, and a pod
 * of orders that fails most of its requests (for --where).
 */
export interface Plants {
  /** inventory › GET /stock's own time, times this. */
  readonly slower?: number;
  /** orders › SELECT items this many times, one after another, instead of once. */
  readonly loop?: number;
  /** users › GET /user fails with a RateLimitError in this share of traces. */
  readonly newError?: number;
  /** The share of requests that fail on orders' pod `order-7f9c` (2% elsewhere). */
  readonly badPod?: number;
  /** A name for frontend's root span instead of GET /checkout, and for the failing pod (hostile names). */
  readonly rootName?: string;
  readonly badPodName?: string;
}

export const BAD_POD = 'order-7f9c';

/** What a test checks the output against: each trace's pod of orders and whether it failed. */
export interface TraceFacts {
  readonly traceId: string;
  readonly pod: string;
  readonly failed: boolean;
}

interface Node {
  service: string;
  name: string;
  kind: number;
  selfMs: number;
  attributes: Record<string, string>;
  error?: { type: string; message: string };
  children: Node[];
}

/** Writes `traces` traces of the shop to `path`; returns each trace's facts. */
export function writeShopRun(path: string, traces: number, seed: number, plants: Plants = {}): TraceFacts[] {
  const random = new Random(seed);
  const facts: TraceFacts[] = [];
  const lines: string[] = [];
  for (let t = 0; t < traces; t++) {
    const traceId = hex(random, 32);
    const factor = Math.exp(0.1 * random.normal());
    const time = (medianMs: number) => medianMs * factor * Math.exp(0.25 * random.normal());
    const bad = plants.badPodName ?? BAD_POD;
    const pods = ['order-5d8b', bad, 'order-9a1e'];
    const pod = pods[Math.floor(random.next() * pods.length)]!;
    const ordersFail = random.next() < (pod === bad ? (plants.badPod ?? 0.02) : 0.02);
    const usersFail = random.next() < (plants.newError ?? 0);
    const db = (name: string, statement: string, medianMs: number): Node => ({
      service: 'orders',
      name,
      kind: 3,
      selfMs: time(medianMs),
      attributes: { 'db.system': 'postgresql', 'db.statement': statement, 'server.address': 'postgres' },
      children: [],
    });
    const items = Array.from({ length: plants.loop ?? 1 }, (_, i) =>
      db('SELECT items', `SELECT * FROM items WHERE order_id = ${1000 + i}`, 8),
    );
    const inventory: Node = {
      service: 'inventory',
      name: 'GET /stock',
      kind: 2,
      selfMs: time(12) * (plants.slower ?? 1),
      attributes: {},
      children: [{ ...db('SELECT stock', 'SELECT * FROM stock WHERE sku = 7', 4), service: 'inventory' }],
    };
    const orders: Node = {
      service: 'orders',
      name: 'POST /orders',
      kind: 2,
      selfMs: time(8),
      attributes: {},
      ...(ordersFail && { error: { type: 'TimeoutError', message: `order ${t} timed out` } }),
      children: [...items, client('orders', 'GET /stock', 'inventory', time(1), inventory)],
    };
    const users: Node = {
      service: 'users',
      name: 'GET /user',
      kind: 2,
      selfMs: time(6),
      attributes: {},
      ...(usersFail && { error: { type: 'RateLimitError', message: `too many requests for user ${t}` } }),
      children: [],
    };
    const root: Node = {
      service: 'frontend',
      name: plants.rootName ?? 'GET /checkout',
      kind: 2,
      selfMs: time(5),
      attributes: {},
      // The request fails with what it called: a 500, no exception of its own.
      ...((ordersFail || usersFail) && { error: { type: '', message: 'checkout failed' } }),
      children: [
        client('frontend', 'GET /user', 'users', time(1), users),
        client('frontend', 'POST /orders', 'orders', time(1), orders),
      ],
    };
    const start = BASE_NS + BigInt(seed) * 10n ** 12n + BigInt(t) * 50_000_000n;
    lines.push(JSON.stringify(documentOf(traceId, root, start, random, pod)));
    facts.push({ traceId, pod, failed: ordersFail || usersFail });
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return facts;
}

const BASE_NS = 1_790_000_000_000_000_000n;

/** A CLIENT span calling `server` (a span of another service), failing with it. */
function client(service: string, name: string, peer: string, selfMs: number, server: Node): Node {
  return {
    service,
    name,
    kind: 3,
    selfMs,
    attributes: { 'server.address': peer, 'server.port': '8080' },
    ...(server.error && { error: { type: 'HttpError', message: `${peer} answered 500` } }),
    children: [server],
  };
}

interface Placed {
  node: Node;
  spanId: string;
  parentId: string | undefined;
  startNs: bigint;
  endNs: bigint;
}

/**
 * The trace's spans, placed: each child starts after its previous sibling ends, half its parent's
 * own time in; a span lasts its own time and its children's. Iterative: children first for the
 * durations, then parents first for the starts.
 */
function documentOf(traceId: string, root: Node, start: bigint, random: Random, pod: string) {
  const order: { node: Node; parent: number }[] = [];
  const stack = [{ node: root, parent: -1 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    order.push(entry);
    for (let i = entry.node.children.length - 1; i >= 0; i--)
      stack.push({ node: entry.node.children[i]!, parent: order.length - 1 });
  }
  const total = order.map((e) => e.node.selfMs);
  for (let i = order.length - 1; i > 0; i--) total[order[i]!.parent]! += total[i]!;
  const placed: Placed[] = [];
  const nextFree: bigint[] = [];
  for (const [i, { node, parent }] of order.entries()) {
    const startNs = parent < 0 ? start : nextFree[parent]!;
    const endNs = startNs + BigInt(Math.round(total[i]! * 1e6));
    if (parent >= 0) nextFree[parent] = endNs;
    nextFree.push(startNs + BigInt(Math.round((node.selfMs / 2) * 1e6)));
    placed.push({
      node,
      spanId: hex(random, 16),
      parentId: parent < 0 ? undefined : placed[parent]!.spanId,
      startNs,
      endNs,
    });
  }
  const services = [...new Set(placed.map((p) => p.node.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: {
        attributes: [
          str('service.name', service),
          str('k8s.pod.name', service === 'orders' ? pod : `${service}-1`),
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'shop' },
          spans: placed.filter((p) => p.node.service === service).map((p) => spanOf(traceId, p)),
        },
      ],
    })),
  };
}

function spanOf(traceId: string, { node, spanId, parentId, startNs, endNs }: Placed) {
  return {
    traceId,
    spanId,
    parentSpanId: parentId ?? '',
    name: node.name,
    kind: node.kind,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(endNs),
    attributes: Object.entries(node.attributes).map(([key, value]) => str(key, value)),
    status: node.error ? { code: 2, message: node.error.message } : {},
    events: node.error?.type
      ? [
          {
            name: 'exception',
            timeUnixNano: String(endNs),
            attributes: [
              str('exception.type', node.error.type),
              str('exception.message', node.error.message),
            ],
          },
        ]
      : [],
  };
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function hex(random: Random, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) out += Math.floor(random.next() * 16).toString(16);
  return out;
}
