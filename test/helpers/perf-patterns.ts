import type { PerfFindingKind } from '../../src/analysis/perf/perf-findings.js';
import type { Attributes, Nanos, Span, SpanId, SpanKind, Trace, TraceId } from '../../src/model/types.js';
import { makeSpan } from './make-span.js';
import { Random as SeededRandom } from './random.js';

/**
 * Requests through a small shop, seeded, with the truth of every performance anti-pattern planted
 * in them: what `detectPerf` must find, and nothing more. A failure replays from its seed.
 *
 *   frontend GET /api/users/{id}      cache (session) → user-service → order-service [slot]
 *   frontend POST /api/checkout       → checkout-service: cart; stock ∥ quote; charge; ship; insert [slot]
 *   frontend GET /api/products/{id}   catalog ∥ pricing ∥ reviews → recommendation-service: its query,
 *                                     loadSummaries (8–80 cache reads at once) [slot]
 *   frontend GET /api/orders/{id}/tracking   shipping gRPC (mysql, a loop of 0–4 cache reads),
 *                                     the same cache key read once or twice [slot]
 *
 * Every request is healthy as it is: dependent calls one after another, all fast; calls at once;
 * loops of fewer than 5; a retry that works the second time; statements with placeholders. The
 * slot of a share of them holds a planted pattern, its parameters from just over the detectors'
 * default thresholds to well over them; the slot of some healthy ones holds a near miss just
 * under a threshold, which must not fire. Near misses run in a function of their own (an INTERNAL
 * span), so that the calls around them do not add up to a pattern.
 */
export type PlantedKind = Exclude<PerfFindingKind, 'slow-call'>;

export interface Planted {
  readonly traceId: TraceId;
  readonly kind: PlantedKind;
  /** The span that made the calls (redundant-call: the parent of the first of them). */
  readonly parentSpanId: SpanId;
  /** The planted calls; a finding may name more (the calls around them in a run of sequential calls). */
  readonly callSpanIds: readonly SpanId[];
  /** retry-storm: attempts times the attempts of the storms nested in them. */
  readonly multiplied?: number;
  /** pool-wait: how many calls the pool runs at once. */
  readonly poolSize?: number;
}

export interface PerfCorpus {
  readonly traces: readonly Trace[];
  readonly planted: readonly Planted[];
  /** Traces with nothing planted (a near miss at most). */
  readonly healthy: ReadonlySet<TraceId>;
  /** The plant or near miss in each trace's slot, by name. */
  readonly scenario: ReadonlyMap<TraceId, string>;
}

export function generatePerfCorpus({
  traces = 1_500,
  patternShare = 0.2,
  nearMissShare = 0.4,
  seed = 18,
}: {
  traces?: number;
  patternShare?: number;
  nearMissShare?: number;
  seed?: number;
} = {}): PerfCorpus {
  const random = new Random(seed);
  const out: Trace[] = [];
  const planted: Planted[] = [];
  const healthy = new Set<TraceId>();
  const scenario = new Map<TraceId, string>();
  let plantsMade = 0;
  for (let i = 0; i < traces; i++) {
    const b = new TraceBuilder(random, 1_760_000_000_000 + i * 250);
    let slot: Block = ({ at }) => at;
    if (random.chance(patternShare)) {
      // In turn, so that each plant gets its share of a small corpus.
      const name = PLANT_NAMES[plantsMade++ % PLANT_NAMES.length]!;
      slot = PLANTS[name];
      scenario.set(b.traceId, name);
    } else {
      healthy.add(b.traceId);
      if (random.chance(nearMissShare)) {
        const name = random.pick(NEAR_MISS_NAMES);
        slot = NEAR_MISSES[name];
        scenario.set(b.traceId, name);
      }
    }
    random.pick(ENDPOINTS)(b, slot);
    out.push({ traceId: b.traceId, spans: b.spans, warnings: [] });
    planted.push(...b.planted);
  }
  return { traces: out, planted, healthy, scenario };
}

// ─── randomness and spans ─────────────────────────────────────────────────────────────────────

/** The seeded randomness of the generator, with the time a call spends on the wire. */
class Random extends SeededRandom {
  /** The wire, one way. */
  wire(): number {
    return this.between(0.15, 1.2);
  }
  /** Application code between two calls. */
  gap(): number {
    return this.between(0.03, 0.4);
  }
}

interface Service {
  readonly name: string;
  readonly port: number;
  readonly resource: Attributes;
}

const service = (name: string, port: number, language: string): Service => ({
  name,
  port,
  resource: { 'service.name': name, 'service.version': '2.4.1', 'telemetry.sdk.language': language },
});

interface Database {
  readonly system: 'postgresql' | 'mysql' | 'redis';
  readonly host: string;
  readonly port: number;
  readonly namespace: string;
  /** Old attribute names (db.system, db.statement, net.peer.name), as older instrumentations write them. */
  readonly legacy: boolean;
}

/** A call made: its CLIENT span and when it ended (ms from the trace's start). */
interface Made {
  readonly id: SpanId;
  readonly end: number;
}

/** What a span does once started: its children from `at`; returns when its own work ends. */
type Work = (span: SpanId, at: number) => number;

interface CallOptions {
  readonly method?: string;
  readonly status?: number;
  /** Nothing listens: the client fails without a server span. */
  readonly refused?: boolean;
  /** gRPC status code. */
  readonly code?: number;
  /** The callee's work, where it makes calls of its own; else it works `ms`. */
  readonly serve?: Work;
  readonly ms?: number;
}

/** One trace's spans, times in ms from its start, one clock for all services. */
class TraceBuilder {
  readonly spans: Span[] = [];
  readonly planted: Planted[] = [];
  readonly traceId: TraceId;
  readonly #origin: bigint;

  constructor(
    readonly r: Random,
    originMs: number,
  ) {
    this.traceId = r.hex(32) as TraceId;
    this.#origin = BigInt(originMs) * 1_000_000n;
  }

  plant(truth: Omit<Planted, 'traceId'>): void {
    this.planted.push({ traceId: this.traceId, ...truth });
  }

  /** An HTTP CLIENT span in `from` and, unless refused, the SERVER span of `to` under it. */
  http(
    parent: SpanId,
    from: Service,
    to: Service,
    at: number,
    path: string,
    route: string,
    o: CallOptions = {},
  ) {
    const { method = 'GET', status = 200, r } = { ...o, r: this.r };
    const client: Attributes = {
      'http.request.method': method,
      'url.full': `http://${to.name}:${to.port}${path}`,
      'server.address': to.name,
      'server.port': to.port,
      'network.protocol.version': '1.1',
    };
    if (o.refused) {
      const message = `connect ECONNREFUSED 10.0.${r.int(0, 9)}.${r.int(2, 250)}:${to.port}`;
      const attributes = { ...client, 'error.type': 'ECONNREFUSED' };
      const end = at + r.between(0.4, 3);
      return this.#span(parent, from, method, 'client', at, end, attributes, message, 'ECONNREFUSED');
    }
    const server: Attributes = {
      'http.request.method': method,
      'http.route': route,
      'url.path': path.split('?')[0]!,
      'url.scheme': 'http',
      'server.address': to.name,
      'server.port': to.port,
      'http.response.status_code': status,
    };
    const error = status >= 500 ? '' : undefined;
    return this.#remote(parent, from, to, at, method, `${method} ${route}`, o, client, server, status, error);
  }

  /** A gRPC CLIENT span (`package.Service/Method`) and the callee's SERVER span. */
  grpc(parent: SpanId, from: Service, to: Service, method: string, at: number, o: CallOptions = {}) {
    const [rpcService, rpcMethod] = method.split('/');
    const code = o.code ?? 0;
    const rpc = {
      'rpc.system': 'grpc',
      'rpc.service': rpcService!,
      'rpc.method': rpcMethod!,
      'rpc.grpc.status_code': code,
    };
    const client = { ...rpc, 'server.address': to.name, 'server.port': to.port };
    const error = code === 0 ? undefined : code === 14 ? 'connection refused' : 'deadline exceeded';
    return this.#remote(parent, from, to, at, method, method, o, client, rpc, undefined, error);
  }

  /** A database or cache CLIENT span, named and attributed as its instrumentation does. */
  query(
    parent: SpanId,
    from: Service,
    db: Database,
    statement: string,
    at: number,
    ms: number,
    error?: string,
  ) {
    const operation = statement.slice(0, statement.indexOf(' '));
    const table = /(?:FROM|INTO|UPDATE) (\w+)/.exec(statement)?.[1];
    const redis = db.system === 'redis';
    // ioredis (old names) writes commands in lower case.
    const text =
      redis && db.legacy ? `${operation.toLowerCase()}${statement.slice(operation.length)}` : statement;
    const name = redis ? text.slice(0, operation.length) : `${operation} ${table ?? db.namespace}`;
    const attributes: Attributes = db.legacy
      ? {
          'db.system': db.system,
          'db.statement': text,
          'db.name': db.namespace,
          'net.peer.name': db.host,
          'net.peer.port': db.port,
        }
      : {
          'db.system.name': db.system,
          'db.query.text': text,
          'db.namespace': db.namespace,
          'db.operation.name': operation,
          ...(table === undefined ? {} : { 'db.collection.name': table }),
          'server.address': db.host,
          'server.port': db.port,
        };
    return this.#span(parent, from, name, 'client', at, at + ms, attributes, error, error && 'DatabaseError');
  }

  /** An INTERNAL span: a function of the application, traced, and the calls `work` makes in it. */
  internal(parent: SpanId, from: Service, name: string, at: number, work: Work): Made {
    const id = this.#newId();
    const end = work(id, at + this.r.between(0.02, 0.2)) + this.r.between(0.02, 0.2);
    return this.#span(parent, from, name, 'internal', at, end, {}, undefined, undefined, id);
  }

  /** The root: the frontend's SERVER span for a request to the shop. */
  root(route: string, path: string, work: Work, method = 'GET'): void {
    const id = this.#newId();
    const end = work(id, this.r.between(0.1, 1)) + this.r.between(0.1, 1);
    const attributes = {
      'http.request.method': method,
      'http.route': route,
      'url.path': path,
      'url.scheme': 'https',
      'server.address': 'shop.example.com',
      'http.response.status_code': 200,
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
    };
    this.#span(
      undefined,
      FRONTEND,
      `${method} ${route}`,
      'server',
      0,
      end,
      attributes,
      undefined,
      undefined,
      id,
    );
  }

  /** A CLIENT span and the SERVER span under it, which `o.serve` fills or which works `o.ms`. */
  #remote(
    parent: SpanId,
    from: Service,
    to: Service,
    at: number,
    clientName: string,
    serverName: string,
    o: CallOptions,
    client: Attributes,
    server: Attributes,
    status: number | undefined,
    error: string | undefined,
  ): Made {
    const id = this.#newId();
    const serverId = this.#newId();
    const serverStart = at + this.r.wire();
    const workEnd = o.serve
      ? o.serve(serverId, serverStart + this.r.between(0.05, 0.8))
      : serverStart + (o.ms ?? this.r.between(1, 5));
    const serverEnd = workEnd + this.r.between(0.05, 0.5);
    this.#span(id, to, serverName, 'server', serverStart, serverEnd, server, error, undefined, serverId);
    const end = serverEnd + this.r.wire();
    const clientError = status !== undefined && status >= 400 ? '' : error;
    const attributes = status === undefined ? client : { ...client, 'http.response.status_code': status };
    return this.#span(parent, from, clientName, 'client', at, end, attributes, clientError, undefined, id);
  }

  /** `error`: the status message of a failed span; `exception`: the type of the exception it recorded. */
  #span(
    parent: SpanId | undefined,
    from: Service,
    name: string,
    kind: SpanKind,
    startMs: number,
    endMs: number,
    attributes: Attributes,
    error: string | undefined,
    exception: string | undefined,
    id = this.#newId(),
  ): Made {
    const exceptionEvent = {
      name: 'exception',
      time: this.#at(endMs),
      attributes: { 'exception.type': exception ?? '', 'exception.message': error ?? '' },
    };
    this.spans.push(
      makeSpan({
        ...{ traceId: this.traceId, spanId: id, parentSpanId: parent, name, kind, attributes },
        ...{ service: from.name, resource: from.resource, start: this.#at(startMs), end: this.#at(endMs) },
        status: error === undefined ? { code: 'unset', message: '' } : { code: 'error', message: error },
        events: exception === undefined ? [] : [exceptionEvent],
      }),
    );
    return { id, end: endMs };
  }

  #newId(): SpanId {
    return this.r.hex(16) as SpanId;
  }

  #at(ms: number): Nanos {
    return (this.#origin + BigInt(Math.round(ms * 1e6))) as Nanos;
  }
}

// ─── the shop ─────────────────────────────────────────────────────────────────────────────────

const FRONTEND = service('frontend', 8000, 'nodejs');
const USERS = service('user-service', 8080, 'nodejs');
const ORDERS = service('order-service', 8081, 'java');
const CHECKOUT = service('checkout-service', 8082, 'go');
const CATALOG = service('catalog-service', 8083, 'java');
const PRICING = service('pricing-service', 8084, 'go');
const INVENTORY = service('inventory-service', 8085, 'go');
const REVIEWS = service('review-service', 8086, 'nodejs');
const RECOMMENDATIONS = service('recommendation-service', 8087, 'nodejs');
const SHIPPING = service('shipping-service', 50051, 'go');
const PAYMENT = service('payment-service', 50052, 'java');
const ROUTES = service('route-service', 8088, 'go');

const db = (system: Database['system'], host: string, port: number, namespace: string, legacy: boolean) => ({
  ...{ system, host, port, namespace, legacy },
});
const USERS_DB = db('postgresql', 'users-db', 5432, 'users', false);
const ORDERS_DB = db('postgresql', 'orders-db', 5432, 'orders', true);
const CATALOG_DB = db('mysql', 'catalog-db', 3306, 'catalog', false);
const CACHE = db('redis', 'cache', 6379, '0', false);
const OLD_CACHE = db('redis', 'cache', 6379, '0', true);

/** What goes in a slot: calls made by `parent` (a span of `service`) from `at`; returns when they end. */
interface Slot {
  readonly b: TraceBuilder;
  readonly parent: SpanId;
  readonly service: Service;
  readonly at: number;
}
type Block = (slot: Slot) => number;
type Endpoint = (b: TraceBuilder, slot: Block) => void;

const usersPage: Endpoint = (b, slot) => {
  const { r } = b;
  const user = r.int(1_000, 99_999);
  b.root('/api/users/{id}', `/api/users/${user}`, (root, at) => {
    let t = b.query(root, FRONTEND, CACHE, `GET session:${r.hex(24)}`, at, r.between(0.3, 2)).end;
    t = b.http(root, FRONTEND, USERS, t + r.gap(), `/users/${user}`, '/users/:id', {
      serve: (s, at2) => b.query(s, USERS, USERS_DB, USER_BY_ID, at2, r.between(2, 12)).end,
    }).end;
    return b.http(root, FRONTEND, ORDERS, t + r.gap(), `/orders?user=${user}`, '/orders', {
      serve: (s, at2) => {
        const orders =
          'SELECT id, status, total FROM orders WHERE user_id = ? ORDER BY created_at DESC LIMIT 10';
        let u = b.query(s, ORDERS, ORDERS_DB, orders, at2, r.between(3, 20)).end;
        // A short loop: the last few orders, each with its items.
        for (let i = r.int(1, 4); i > 0; i--)
          u = b.query(s, ORDERS, ORDERS_DB, ITEMS_BY_ORDER, u + r.gap(), r.between(1, 6)).end;
        return slot({ b, parent: s, service: ORDERS, at: u + r.gap() });
      },
    }).end;
  });
};

const USER_BY_ID = 'SELECT id, email, name, plan FROM users WHERE id = $1';
const ITEMS_BY_ORDER = 'SELECT sku, quantity, price FROM order_items WHERE order_id = ?';

const checkout: Endpoint = (b, slot) => {
  const { r } = b;
  const serve: Work = (s, at) => {
    const cart = `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-a${r.hex(3)}-${r.hex(12)}`;
    let t = b.query(s, CHECKOUT, CACHE, `HGETALL cart:${cart}`, at, r.between(0.5, 3)).end + r.gap();
    // Stock and price at once.
    const reserve = 'inventory.InventoryService/Reserve';
    const stock = b.grpc(s, CHECKOUT, INVENTORY, reserve, t, { ms: r.between(6, 25) });
    const quote = b.http(s, CHECKOUT, PRICING, t + 0.1, `/quote?cart=${cart}`, '/quote', {
      ms: r.between(8, 30),
    });
    t = Math.max(stock.end, quote.end) + r.gap();
    t = b.grpc(s, CHECKOUT, PAYMENT, 'payment.PaymentService/Charge', t, { ms: r.between(20, 50) }).end;
    // The shipment fails once at times, and works the second time.
    const ship = 'shipping.ShippingService/CreateShipment';
    if (r.chance(0.15)) t = b.grpc(s, CHECKOUT, SHIPPING, ship, t + r.gap(), { code: 14, ms: 1 }).end + 10;
    t = b.grpc(s, CHECKOUT, SHIPPING, ship, t + r.gap(), { ms: r.between(3, 12) }).end;
    const insert = `INSERT INTO orders (id, user_id, total) VALUES (${r.int(1, 9e6)}, ${r.int(1e3, 1e5)}, 129.9)`;
    t = b.query(s, CHECKOUT, ORDERS_DB, insert, t + r.gap(), r.between(2, 8)).end;
    return slot({ b, parent: s, service: CHECKOUT, at: t + r.gap() });
  };
  b.root(
    '/api/checkout',
    '/api/checkout',
    (root, at) =>
      b.http(root, FRONTEND, CHECKOUT, at, '/checkout', '/checkout', { method: 'POST', serve }).end,
    'POST',
  );
};

const productPage: Endpoint = (b, slot) => {
  const { r } = b;
  const product = r.int(10_000, 999_999);
  b.root('/api/products/{id}', `/api/products/${product}`, (root, at) => {
    // Catalog, price and reviews at once.
    const sql = `SELECT id, title, description FROM products WHERE id = ${product}`;
    const parts = [
      b.http(root, FRONTEND, CATALOG, at, `/products/${product}`, '/products/{id}', {
        serve: (s, at2) => b.query(s, CATALOG, CATALOG_DB, sql, at2, r.between(2, 15)).end,
      }),
      b.grpc(root, FRONTEND, PRICING, 'pricing.PricingService/GetPrice', at + 0.1, { ms: r.between(2, 15) }),
      b.http(root, FRONTEND, REVIEWS, at + 0.2, `/reviews?product=${product}`, '/reviews', {
        ms: r.between(5, 30),
      }),
    ];
    const t = Math.max(...parts.map((p) => p.end)) + r.gap();
    const serve: Work = (s, at2) => {
      const sql2 = `SELECT product_id FROM recommendations WHERE product_id = ${product} LIMIT 80`;
      let u = b.query(s, RECOMMENDATIONS, USERS_DB, sql2, at2, r.between(3, 10)).end;
      // A legitimate fan-out: the recommended products' summaries, all at once.
      u = b.internal(s, RECOMMENDATIONS, 'loadSummaries', u + r.gap(), (p, at3) => {
        const read = (at4: number, i: number) =>
          b.query(
            p,
            RECOMMENDATIONS,
            OLD_CACHE,
            `GET product:${product + i}:summary`,
            at4,
            r.between(0.4, 6),
          );
        return atOnce(b, r.int(8, 80), at3, read).end;
      }).end;
      return slot({ b, parent: s, service: RECOMMENDATIONS, at: u + r.gap() });
    };
    const path = `/recommendations?product=${product}`;
    return b.http(root, FRONTEND, RECOMMENDATIONS, t, path, '/recommendations', { serve }).end;
  });
};

const tracking: Endpoint = (b, slot) => {
  const { r } = b;
  const order = r.int(1_000_000, 9_999_999);
  b.root('/api/orders/{id}/tracking', `/api/orders/${order}/tracking`, (root, at) => {
    let t = b.grpc(root, FRONTEND, SHIPPING, 'shipping.ShippingService/GetTracking', at, {
      serve: (s, at2) => {
        const sql = `SELECT carrier, code, status FROM shipments WHERE order_id = ${order}`;
        let u = b.query(s, SHIPPING, CATALOG_DB, sql, at2, r.between(2, 14)).end;
        for (let i = r.int(0, 4); i > 0; i--) {
          const key = `GET carrier:${r.pick(['ups', 'dhl', 'fedex'])}:${r.hex(10)}`;
          u = b.query(s, SHIPPING, CACHE, key, u + r.gap(), r.between(0.3, 2)).end;
        }
        return u;
      },
    }).end;
    // The same key read twice at times, a millisecond each: wasteful, but under 10 ms wasted.
    for (let i = r.chance(0.3) ? 2 : 1; i > 0; i--)
      t = b.query(root, FRONTEND, CACHE, `GET order:${order}:eta`, t + r.gap(), r.between(0.3, 1.5)).end;
    return slot({ b, parent: root, service: FRONTEND, at: t + r.gap() });
  });
};

const ENDPOINTS: readonly Endpoint[] = [usersPage, checkout, productPage, tracking];

// ─── calls together ───────────────────────────────────────────────────────────────────────────

type Make = (at: number, i: number) => Made;

/**
 * `count` calls started at once (Promise.all), each start a little after the one before: 20 to
 * 120 µs where the calls are made straight away, 0.2 to 1 ms where each first awaits something
 * of its own (a permit, a cache check, a serializer).
 */
function atOnce(b: TraceBuilder, count: number, at: number, make: Make) {
  const ids: SpanId[] = [];
  const [lo, hi] = b.r.chance(0.5) ? [0.02, 0.12] : [0.2, 1];
  let end = at;
  for (let i = 0, start = at; i < count; i++, start += b.r.between(lo, hi)) {
    const call = make(start, i);
    ids.push(call.id);
    end = Math.max(end, call.end);
  }
  return { ids, end };
}

/** `count` calls one after another, as a loop makes them. */
function oneByOne(b: TraceBuilder, count: number, at: number, make: Make) {
  const ids: SpanId[] = [];
  let end = at;
  for (let i = 0; i < count; i++) {
    const call = make(i === 0 ? at : end + b.r.gap(), i);
    ids.push(call.id);
    end = call.end;
  }
  return { ids, end };
}

/** `count` calls through a pool of `size` workers, each taking the next call as its last one ends. */
function throughPool(b: TraceBuilder, count: number, size: number, at: number, make: Make) {
  const ids: SpanId[] = [];
  const free = Array.from({ length: size }, (_, w) => at + w * b.r.between(0.02, 0.1));
  for (let i = 0; i < count; i++) {
    const worker = free.indexOf(Math.min(...free));
    const call = make(free[worker]! + (i < size ? 0 : b.r.between(0.03, 0.6)), i);
    ids.push(call.id);
    free[worker] = call.end;
  }
  return { ids, end: Math.max(...free) };
}

/** `count` durations between lo and hi, stretched where they add up to less than `minTotal`. */
function durations(r: Random, count: number, lo: number, hi: number, minTotal: number): number[] {
  const drawn = Array.from({ length: count }, () => r.between(lo, hi));
  const total = drawn.reduce((a, c) => a + c, 0);
  return total >= minTotal ? drawn : drawn.map((d) => (d * minTotal) / total);
}

/**
 * `count` durations between lo and hi, each a fifth of the longest or more (the saving is then
 * over a tenth of the run), stretched where running them at once would save less than `minSaved`.
 */
function savingRun(r: Random, count: number, lo: number, hi: number, minSaved: number): number[] {
  const drawn = Array.from({ length: count }, () => r.between(lo, hi));
  const longest = Math.max(...drawn);
  const ms = drawn.map((d) => Math.max(d, longest / 5));
  const saved = ms.reduce((a, c) => a + c, 0) - longest;
  return saved >= minSaved ? ms : ms.map((d) => (d * minSaved * r.between(1, 1.2)) / saved);
}

const sku = (r: Random) => `SKU-${r.int(100_000, 999_999)}`;

/** Ids for the items of one loop or fan-out, all different: a repeated one would be a redundant call. */
function itemIds(r: Random): (i: number) => number {
  const first = r.int(100_000, 800_000);
  return (i) => first + i * 13;
}

// ─── the plants ───────────────────────────────────────────────────────────────────────────────

/** Each plant records its truth: the minimum N+1 total is 50 ms, so loops are stretched to 55 or more. */
const PLANTS = {
  /** An order's items, one query each: with their values, or with placeholders (a sanitizing agent). */
  'n-plus-one-db': ({ b, parent, service, at }) => {
    const { r } = b;
    const count = r.pick([5, 5, 6, 8, 12, 25, 40]);
    const ms = durations(r, count, 1.5, 14, 56);
    const placeholders = r.chance(0.4);
    const order = itemIds(r);
    const loop = oneByOne(b, count, at, (t, i) => {
      const sql = placeholders ? ITEMS_BY_ORDER : ITEMS_BY_ORDER.replace('?', `${order(i)}`);
      return b.query(parent, service, ORDERS_DB, sql, t, ms[i]!);
    });
    b.plant({ kind: 'n-plus-one', parentSpanId: parent, callSpanIds: loop.ids });
    return loop.end;
  },
  /** The cart's products read from the cache one key at a time, through one client or the other. */
  'n-plus-one-redis': ({ b, parent, service, at }) => {
    const { r } = b;
    const count = r.int(5, 60);
    const ms = durations(r, count, 0.8, 4, 58);
    const cache = r.chance(0.5) ? CACHE : OLD_CACHE;
    const product = itemIds(r);
    const loop = oneByOne(b, count, at, (t, i) =>
      b.query(parent, service, cache, `GET product:${product(i)}`, t, ms[i]!),
    );
    b.plant({ kind: 'n-plus-one', parentSpanId: parent, callSpanIds: loop.ids });
    return loop.end;
  },
  /** A product per item over HTTP, each with its own query behind it. */
  'n-plus-one-http': ({ b, parent, service, at }) => {
    const { r } = b;
    const count = r.int(5, 20);
    const ms = durations(r, count, 3, 20, 60);
    const [item, prefix] = [itemIds(r), r.pick(['SKU-', ''])];
    const loop = oneByOne(b, count, at, (t, i) => {
      const id = `${prefix}${item(i)}`;
      const sql = `SELECT id, title, price FROM products WHERE sku = '${id}'`;
      return b.http(parent, service, CATALOG, t, `/products/${id}`, '/products/{id}', {
        serve: (s, at2) => b.query(s, CATALOG, CATALOG_DB, sql, at2, ms[i]!).end,
      });
    });
    b.plant({ kind: 'n-plus-one', parentSpanId: parent, callSpanIds: loop.ids });
    return loop.end;
  },
  /** Stock asked item by item over gRPC. */
  'n-plus-one-grpc': ({ b, parent, service, at }) => {
    const { r } = b;
    const count = r.int(5, 15);
    const ms = durations(r, count, 3, 12, 55);
    const loop = oneByOne(b, count, at, (t, i) =>
      b.grpc(parent, service, INVENTORY, 'inventory.InventoryService/GetStock', t, { ms: ms[i]! }),
    );
    b.plant({ kind: 'n-plus-one', parentSpanId: parent, callSpanIds: loop.ids });
    return loop.end;
  },
  /** 2 to 5 independent queries one after another, 100 ms or more to save: in the handler, or in a function. */
  'sequential-queries': ({ b, parent, service, at }) => {
    const { r } = b;
    const run = (p: SpanId, t0: number) => {
      const tables = ['accounts', 'addresses', 'preferences', 'loyalty_points', 'wishlists'];
      const ms = savingRun(r, r.int(2, 5), 30, 400, 105);
      const user = r.int(1000, 99999);
      const made = oneByOne(b, ms.length, t0, (t, i) => {
        const sql = `SELECT * FROM ${tables[i]} WHERE user_id = ${user}`;
        return b.query(p, service, i % 2 ? CATALOG_DB : USERS_DB, sql, t, ms[i]!);
      });
      b.plant({ kind: 'sequential-calls', parentSpanId: p, callSpanIds: made.ids });
      return made.end;
    };
    return r.chance(0.5) ? run(parent, at) : b.internal(parent, service, 'loadAccount', at, run).end;
  },
  /** 3 to 5 independent slow requests (500 ms or more each) one after another, 2 s or more to save. */
  'sequential-requests': ({ b, parent, service, at }) => {
    const { r } = b;
    const run = (p: SpanId, t0: number) => {
      const ms = savingRun(r, r.int(3, 5), 520, 1_500, 2_050);
      const calls: Make[] = [
        (t, i) => b.http(p, service, REVIEWS, t, '/reviews/summary', '/reviews/summary', { ms: ms[i]! }),
        (t, i) => b.grpc(p, service, PRICING, 'pricing.PricingService/GetPromotions', t, { ms: ms[i]! }),
        (t, i) => b.http(p, service, INVENTORY, t, `/stock/${sku(r)}`, '/stock/{sku}', { ms: ms[i]! }),
        (t, i) => b.grpc(p, service, SHIPPING, 'shipping.ShippingService/GetRates', t, { ms: ms[i]! }),
        (t, i) =>
          b.http(p, service, RECOMMENDATIONS, t, '/recommendations/top', '/recommendations/top', {
            ms: ms[i]!,
          }),
      ];
      const made = oneByOne(b, ms.length, t0, (t, i) => calls[i]!(t, i));
      b.plant({ kind: 'sequential-calls', parentSpanId: p, callSpanIds: made.ids });
      return made.end;
    };
    return r.chance(0.5) ? run(parent, at) : b.internal(parent, service, 'buildSidebar', at, run).end;
  },
  /** The same user row read by the auth check and by the handler (and by the view, at times). */
  'redundant-select': ({ b, parent, service, at }) => {
    const { r } = b;
    const sql = USER_BY_ID.replace('$1', `${r.int(1000, 99999)}`);
    return repeated(b, parent, service, at, r.int(2, 3), (p, t) =>
      b.query(p, service, USERS_DB, sql, t, r.between(11, 40)),
    );
  },
  /** The same URL fetched twice or three times. */
  'redundant-get': ({ b, parent, service, at }) => {
    const { r } = b;
    const path = `/users/${r.int(1000, 99999)}/preferences`;
    return repeated(b, parent, service, at, r.int(2, 3), (p, t) =>
      b.http(p, service, USERS, t, path, '/users/:id/preferences', { ms: r.between(10, 35) }),
    );
  },
  /** GET one URL 4 to 7 times: 503s or refused connections, then an answer. */
  'retry-storm-http': ({ b, parent, service, at }) => {
    const { r } = b;
    const path = `/stock/${sku(r)}`;
    const failure = r.chance(0.4) ? { refused: true } : { status: 503, ms: r.between(1, 8) };
    return retried(b, parent, r.int(4, 7), at, (t, last) =>
      b.http(parent, service, INVENTORY, t, path, '/stock/{sku}', last ? { ms: r.between(3, 15) } : failure),
    );
  },
  'retry-storm-grpc': ({ b, parent, service, at }) => {
    const { r } = b;
    return retried(b, parent, r.int(4, 6), at, (t, last) =>
      b.grpc(parent, service, PAYMENT, 'payment.PaymentService/Authorize', t, {
        ...(last ? { ms: r.between(10, 40) } : { code: 14, ms: r.between(1, 10) }),
      }),
    );
  },
  /** A write retried on deadlocks. */
  'retry-storm-db': ({ b, parent, service, at }) => {
    const { r } = b;
    const sql = `UPDATE stock SET reserved = reserved + 1 WHERE sku = '${sku(r)}'`;
    return retried(b, parent, r.int(4, 6), at, (t, last) =>
      b.query(parent, service, ORDERS_DB, sql, t, r.between(2, 30), last ? undefined : 'deadlock detected'),
    );
  },
  /**
   * A retried request whose handler retries its query: each failed attempt is a storm of its own
   * in order-service (its query timed out 4 or 5 times), and the request cost outer × inner queries.
   */
  'retry-storm-nested': ({ b, parent, service, at }) => {
    const { r } = b;
    const order = r.int(1e6, 9e6);
    const sql = `SELECT id, status, total FROM orders WHERE id = ${order}`;
    const inner = r.int(4, 5);
    const timedOut = 'canceling statement due to statement timeout';
    const attempt = (t: number, last: boolean) =>
      b.http(parent, service, ORDERS, t, `/orders/${order}`, '/orders/{id}', {
        status: last ? 200 : 503,
        serve: (s, at2) =>
          last
            ? b.query(s, ORDERS, ORDERS_DB, sql, at2, r.between(2, 10)).end
            : retried(b, s, inner, at2, (t2) =>
                b.query(s, ORDERS, ORDERS_DB, sql, t2, r.between(5, 30), timedOut),
              ),
      });
    return retried(b, parent, r.int(4, 5), at, attempt, inner);
  },
  /** Prices of a big cart, all at once: no loop, no pool, just many calls. */
  'fan-out-at-once': ({ b, parent, service, at }) => {
    const { r } = b;
    const item = itemIds(r);
    return fanOut(b, parent, service, at, 'loadPrices', (p, t) =>
      atOnce(b, r.pick([100, 101, 120, 180, 250]), t, (t2, i) =>
        b.http(p, service, PRICING, t2, `/prices/SKU-${item(i)}`, '/prices/{sku}', { ms: r.between(2, 20) }),
      ),
    );
  },
  /** A loop over a hundred keys or more: a fan-out and an N+1 both. */
  'fan-out-loop': ({ b, parent, service, at }) => {
    const { r } = b;
    const item = itemIds(r);
    return fanOut(b, parent, service, at, 'loadStock', (p, t) => {
      const loop = oneByOne(b, r.int(100, 160), t, (t2, i) =>
        b.query(p, service, CACHE, `GET stock:${item(i)}`, t2, r.between(0.3, 2)),
      );
      b.plant({ kind: 'n-plus-one', parentSpanId: p, callSpanIds: loop.ids });
      return loop;
    });
  },
  /** A hundred calls or more through a pool of 4: a fan-out and a pool wait both. */
  'fan-out-pool': ({ b, parent, service, at }) => {
    const { r } = b;
    const item = itemIds(r);
    return fanOut(b, parent, service, at, 'loadRoutes', (p, t) => {
      const pool = throughPool(b, r.int(100, 130), 4, t, (t2, i) =>
        b.http(p, service, ROUTES, t2, `/route?pickup=${item(i)}`, '/route', { ms: r.between(8, 12) }),
      );
      b.plant({ kind: 'pool-wait', parentSpanId: p, callSpanIds: pool.ids, poolSize: 4 });
      return pool;
    });
  },
  /** Routes computed by a pool of 2 to 4 workers (as in HotROD's route service). */
  'pool-wait-http': ({ b, parent, service, at }) => {
    const { r } = b;
    const size = r.int(2, 4);
    const base = r.between(40, 90);
    const pool = throughPool(b, r.pick([6, 7, 10, 16, 30]), size, at, (t) => {
      const path = `/route?pickup=${r.int(1, 999)}%2C${r.int(1, 999)}&dropoff=${r.int(1, 999)}%2C${r.int(1, 999)}`;
      return b.http(parent, service, ROUTES, t, path, '/route', { ms: base * r.between(0.85, 1.15) });
    });
    b.plant({ kind: 'pool-wait', parentSpanId: parent, callSpanIds: pool.ids, poolSize: size });
    return pool.end;
  },
  /** Queries waiting for one of a few pooled connections. */
  'pool-wait-db': ({ b, parent, service, at }) => {
    const { r } = b;
    const size = r.int(2, 4);
    const base = r.between(40, 70);
    const pool = throughPool(b, r.int(6, 20), size, at, (t) => {
      const skus = Array.from({ length: r.int(1, 5) }, () => `'${sku(r)}'`).join(', ');
      const sql = `SELECT sku, available FROM stock WHERE warehouse_id = ${r.int(1, 40)} AND sku IN (${skus})`;
      return b.query(parent, service, CATALOG_DB, sql, t, base * r.between(0.85, 1.15));
    });
    b.plant({ kind: 'pool-wait', parentSpanId: parent, callSpanIds: pool.ids, poolSize: size });
    return pool.end;
  },
} satisfies Record<string, Block>;

/** The same read made `count` times, once in each of the functions that need it. */
function repeated(b: TraceBuilder, parent: SpanId, service: Service, at: number, count: number, read: Read) {
  const ids: SpanId[] = [];
  const parents: SpanId[] = [];
  let t = at;
  for (const name of ['authorize', 'loadProfile', 'renderHeader'].slice(0, count))
    t = b.internal(parent, service, name, t, (p, t0) => {
      const call = read(p, t0);
      parents.push(p);
      ids.push(call.id);
      return call.end;
    }).end;
  b.plant({ kind: 'redundant-call', parentSpanId: parents[0]!, callSpanIds: ids });
  return t;
}

type Read = (parent: SpanId, at: number) => Made;

/** Attempts one after another with a backoff, each failed but the last; `nested`: their own storms' attempts. */
function retried(
  b: TraceBuilder,
  parent: SpanId,
  attempts: number,
  at: number,
  attempt: Attempt,
  nested = 1,
) {
  const ids: SpanId[] = [];
  let end = at;
  for (let i = 0, t = at; i < attempts; i++) {
    const call = attempt(t, i === attempts - 1);
    ids.push(call.id);
    end = call.end;
    t = end + Math.min(200, 10 * 2 ** i) * b.r.between(0.8, 1.2);
  }
  b.plant({ kind: 'retry-storm', parentSpanId: parent, callSpanIds: ids, multiplied: attempts * nested });
  return end;
}

type Attempt = (at: number, last: boolean) => Made;

/** Calls made by a function of their own: a fan-out's truth. */
function fanOut(
  b: TraceBuilder,
  parent: SpanId,
  service: Service,
  at: number,
  name: string,
  work: (p: SpanId, at: number) => { ids: SpanId[]; end: number },
): number {
  return b.internal(parent, service, name, at, (p, t) => {
    const calls = work(p, t);
    b.plant({ kind: 'fan-out', parentSpanId: p, callSpanIds: calls.ids });
    return calls.end;
  }).end;
}

// ─── near misses: just under a threshold, each in a function of its own ──────────────────────

/** A block whose calls run in a function of their own (an INTERNAL span under the slot's span). */
const own =
  (name: string, work: (b: TraceBuilder, p: SpanId, service: Service, at: number) => number): Block =>
  ({ b, parent, service, at }) =>
    b.internal(parent, service, name, at, (p, t) => work(b, p, service, t)).end;

const NEAR_MISSES = {
  /** 4 similar queries one after another: one short of an N+1. */
  'four-similar': own('loadBadges', (b, p, service, at) => {
    const { r } = b;
    const badges = (t: number) =>
      b.query(
        p,
        service,
        USERS_DB,
        `SELECT badge FROM badges WHERE id = ${r.int(1e3, 1e5)}`,
        t,
        r.between(3, 11),
      );
    return oneByOne(b, 4, at, badges).end;
  }),
  /** A loop of 6 to 12, under 50 ms in all. */
  'loop-under-50ms': own('loadFlags', (b, p, service, at) => {
    const { r } = b;
    const count = r.int(6, 12);
    const ms = r.between(30, 48) / count;
    return oneByOne(b, count, at, (t) => b.query(p, service, CACHE, `GET flag:${r.hex(12)}`, t, ms)).end;
  }),
  /** 6 to 14 calls of one shape all at once: neither a loop nor a pool. */
  'at-once': own('loadThumbnails', (b, p, service, at) => {
    const { r } = b;
    return atOnce(b, r.int(6, 14), at, (t) =>
      b.http(p, service, CATALOG, t, `/images/${r.hex(24)}`, '/images/{id}', { ms: r.between(5, 30) }),
    ).end;
  }),
  /** Independent queries one after another that doing at once would save 50 to 95 ms. */
  'queries-under-100ms': own('buildFooter', (b, p, service, at) => {
    const { r } = b;
    const longest = r.between(100, 200);
    const saved = r.between(50, 95);
    const share = r.between(0.3, 0.7);
    const ms = r.chance(0.5) ? [longest, saved] : [saved * share, longest, saved * (1 - share)];
    const tables = ['banners', 'footer_links', 'promotions'];
    return oneByOne(b, ms.length, at, (t, i) =>
      b.query(p, service, CATALOG_DB, `SELECT * FROM ${tables[i]} WHERE site = 'eu'`, t, ms[i]!),
    ).end;
  }),
  /** A long query and a short one after it: over 100 ms to save, but under a tenth of the run. */
  'queries-under-tenth': own('exportReport', (b, p, service, at) => {
    const { r } = b;
    const long = r.between(1_100, 1_600);
    const first = b.query(p, service, ORDERS_DB, 'SELECT * FROM order_stats', at, long);
    const rates = `SELECT * FROM shipping_rates WHERE region = 'eu'`;
    return b.query(p, service, CATALOG_DB, rates, first.end + r.gap(), r.between(101, long / 10.5)).end;
  }),
  /**
   * Slow requests one after another, short of consecutive requests: two of them only, or one of
   * three under 500 ms, or three saving under 2 s, or three with a pause of over 500 ms.
   */
  'requests-short-of-a-run': own('buildSidebar', (b, p, service, at) => {
    const { r } = b;
    const variant = r.int(0, 3);
    const ms = [
      [r.between(2_100, 2_600), r.between(2_100, 2_600)],
      [r.between(900, 1_500), r.between(300, 480), r.between(900, 1_500)],
      [r.between(700, 950), r.between(700, 950), r.between(900, 1_000)],
      [r.between(1_100, 1_500), r.between(1_100, 1_500), r.between(1_100, 1_500)],
    ][variant]!;
    const to = [REVIEWS, INVENTORY, RECOMMENDATIONS];
    let end = at;
    for (const [i, d] of ms.entries()) {
      const pause = i === 2 && variant === 3 ? r.between(510, 800) : r.gap();
      end = b.http(p, service, to[i]!, i === 0 ? at : end + pause, `/sidebar/${i}`, `/sidebar/${i}`, {
        ms: d,
      }).end;
    }
    return end;
  }),
  /** Failed twice, worked the third time: one short of a retry storm. */
  'three-attempts': own('reserveStock', (b, p, service, at) => {
    const { r } = b;
    const path = `/stock/${sku(r)}`;
    let end = at;
    for (let i = 0; i < 3; i++) {
      const t = i === 0 ? at : end + r.between(10, 40);
      end = b.http(p, service, INVENTORY, t, path, '/stock/{sku}', { status: i < 2 ? 503 : 200 }).end;
    }
    return end;
  }),
  /** 60 to 99 calls at once: short of a fan-out. */
  'fan-out-99': own('loadPrices', (b, p, service, at) => {
    const { r } = b;
    const item = itemIds(r);
    return atOnce(b, r.int(60, 99), at, (t, i) =>
      b.http(p, service, PRICING, t, `/prices/SKU-${item(i)}`, '/prices/{sku}', { ms: r.between(2, 20) }),
    ).end;
  }),
  /** A pool of 2 with 5 calls (6 make a pool wait), or a pool whose queue costs under 20 ms. */
  'small-pool': own('computeRoutes', (b, p, service, at) => {
    const { r } = b;
    const few = r.chance(0.5);
    const base = few ? r.between(30, 60) : r.between(4, 7);
    const item = itemIds(r);
    return throughPool(b, few ? 5 : r.int(6, 9), few ? 2 : 3, at, (t, i) =>
      b.http(p, service, ROUTES, t, `/route?pickup=${item(i)}`, '/route', {
        ms: base * r.between(0.85, 1.15),
      }),
    ).end;
  }),
  /** The same key read twice or three times, under 10 ms wasted. */
  'redundant-fast-cache': own('renderHeader', (b, p, service, at) => {
    const { r } = b;
    const key = `GET user:${r.int(1000, 99999)}:avatar`;
    return oneByOne(b, r.int(2, 3), at, (t) => b.query(p, service, CACHE, key, t, r.between(0.5, 3))).end;
  }),
  /** One statement with other values: not the same read. */
  'same-select-other-values': own('loadParties', (b, p, service, at) => {
    const { r } = b;
    return oneByOne(b, 2, at, (t) =>
      b.query(p, service, USERS_DB, USER_BY_ID.replace('$1', `${r.int(1e3, 1e5)}`), t, r.between(6, 30)),
    ).end;
  }),
  /** One write made twice: not a read to keep. */
  'same-insert-twice': own('audit', (b, p, service, at) => {
    const { r } = b;
    const sql = `INSERT INTO audit_log (event, user_id) VALUES ('login', ${r.int(1000, 99999)})`;
    return oneByOne(b, 2, at, (t) => b.query(p, service, USERS_DB, sql, t, r.between(6, 25))).end;
  }),
  /** One statement with placeholders for two or three users: the span does not say they are one read. */
  'same-statement-placeholders': own('loadParties', (b, p, service, at) => {
    const { r } = b;
    return oneByOne(b, r.int(2, 3), at, (t) => b.query(p, service, USERS_DB, USER_BY_ID, t, r.between(6, 30)))
      .end;
  }),
} satisfies Record<string, Block>;

/** The names of the plants and of the near misses, as `scenario` gives them. */
export const PLANT_NAMES = Object.keys(PLANTS) as readonly (keyof typeof PLANTS)[];
export const NEAR_MISS_NAMES = Object.keys(NEAR_MISSES) as readonly (keyof typeof NEAR_MISSES)[];
