import type { Span, SpanNode } from '../../model/types.js';
import { attributeString } from '../attributes.js';
import { normalizeMessage } from '../normalize-message.js';
import { isDatabaseCall, peerOf } from '../peers.js';
import { detectError } from '../span-errors.js';

/**
 * A call a span made to something else (a database, a cache, an HTTP or RPC service), as the
 * performance detectors compare calls:
 * - `shape`: what the call does with its values taken out, which N+1 loops and pools repeat
 *   (`SELECT * FROM orders WHERE user_id = ?` on postgresql, `GET /users/{id}` on order-service);
 * - `exact`: what it does with its values, which a redundant call repeats (the statement as
 *   sent, `GET http://…/users/42`); undefined where the span does not say, or for a write.
 */
export interface Call {
  readonly node: SpanNode;
  readonly family: CallFamily;
  readonly shape: string;
  /** What calls are grouped by: the family, peer and shape, as one string (the same object for the same key). */
  readonly key: string;
  readonly exact: string | undefined;
  /** Who was called: the peer service or address, the database system. */
  readonly peer: string | undefined;
  /** Since the epoch, to order and overlap calls (a double holds them to about 0.3 µs). */
  readonly startMs: number;
  readonly endMs: number;
  /** Exact, from the nanoseconds. */
  readonly durationMs: number;
  readonly failed: boolean;
}

export type CallFamily = 'db' | 'http' | 'rpc' | 'call';

/** The span attributes `callOf` reads beyond those the analysis keeps anyway (compact-span.ts). */
export const PERF_ATTRIBUTES: readonly string[] = [
  'db.query.text',
  'db.statement',
  'sql.query',
  'db.operation.name',
  'db.operation',
  'db.collection.name',
  'db.sql.table',
  'db.mongodb.collection',
  'http.request.method',
  'http.method',
];

/** The call a span made, or undefined for a span that is not a call (a server span, local work). */
export function callOf(node: SpanNode): Call | undefined {
  // Spans no instrumentation records as a call, the most of most traces: nothing read.
  const { kind } = node.span;
  if (kind === 'server' || kind === 'consumer') return undefined;
  const { span } = node;
  // `sql.query`: what OpenTracing-era instrumentations (HotROD's MySQL among them) record.
  const database = isDatabaseCall(span) || span.attributes['sql.query'] !== undefined;
  if (!database && span.kind !== 'client' && span.kind !== 'producer') return undefined;
  const [family, shape, exact] = whatIsCalled(span, database);
  const peer = peerOf(span);
  const startMs = msOf(span.start);
  return {
    node,
    family,
    shape,
    key: keyOf(family, peer, shape),
    exact,
    peer,
    startMs,
    endMs: Math.max(startMs, msOf(span.end)),
    durationMs: durationMs(span),
    failed: detectError(span) !== undefined,
  };
}

/** A call's family, shape and exact form (see Call). */
function whatIsCalled(
  span: Span,
  database: boolean,
): [family: CallFamily, shape: string, exact: string | undefined] {
  if (database) {
    const statement = attributeString(span.attributes, 'db.query.text', 'db.statement', 'sql.query');
    const read = statement === undefined ? undefined : readStatement(statement);
    if (read !== undefined) return ['db', read.shape, read.exact];
    const operation = attributeString(span.attributes, 'db.operation.name', 'db.operation');
    const table = attributeString(
      span.attributes,
      'db.collection.name',
      'db.sql.table',
      'db.mongodb.collection',
    );
    const shape = [operation, table].filter((p) => p !== undefined).join(' ') || span.name;
    return ['db', shape, undefined];
  }
  if (attributeString(span.attributes, 'rpc.system', 'rpc.system.name') !== undefined) {
    const service = attributeString(span.attributes, 'rpc.service');
    const method = attributeString(span.attributes, 'rpc.method');
    const shape = service !== undefined && method !== undefined ? `${service}/${method}` : span.name;
    return ['rpc', shape, undefined];
  }
  const method = attributeString(span.attributes, 'http.request.method', 'http.method');
  const url = attributeString(span.attributes, 'url.full', 'http.url');
  const path =
    attributeString(span.attributes, 'http.route') ??
    pathOf(url ?? attributeString(span.attributes, 'url.path', 'http.target'));
  if (method !== undefined || path !== undefined) {
    const verb = (method ?? '').toUpperCase();
    const shape = `${verb} ${path === undefined ? span.name : templatePath(path)}`.trim();
    const target = url ?? attributeString(span.attributes, 'url.path', 'http.target');
    const safe = verb === 'GET' || verb === 'HEAD';
    return ['http', shape, safe && target !== undefined ? `${verb} ${target}` : undefined];
  }
  return ['call', span.name, undefined];
}

/** The calls among a span's children, in start order (children are kept in start order). */
export function childCalls(node: SpanNode): Call[] {
  const calls: Call[] = [];
  for (const child of node.children) {
    const call = callOf(child);
    if (call) calls.push(call);
  }
  return calls;
}

/**
 * One string per family, peer and shape, looked up rather than joined again for every call:
 * joining allocates, and a trace's calls are read for every trace. Bounded as the shapes are.
 */
function keyOf(family: CallFamily, peer: string | undefined, shape: string): string {
  const byPeer = KEYS[family];
  let byShape = byPeer.get(peer ?? '');
  if (byShape === undefined) {
    if (byPeer.size >= REMEMBERED) byPeer.clear();
    byShape = new Map();
    byPeer.set(peer ?? '', byShape);
  }
  let key = byShape.get(shape);
  if (key === undefined) {
    key = `${family}\u0000${peer ?? ''}\u0000${shape}`;
    if (byShape.size >= REMEMBERED) byShape.clear();
    byShape.set(shape, key);
  }
  return key;
}

const KEYS: Record<CallFamily, Map<string, Map<string, string>>> = {
  db: new Map(),
  http: new Map(),
  rpc: new Map(),
  call: new Map(),
};

/**
 * A statement as calls of it are compared: its shape, and itself with its spaces made single where
 * repeating it would read the same rows again (a read without bind parameters). Undefined for a
 * blank statement. Remembered: the same statements come again and again.
 */
function readStatement(statement: string): { shape: string; exact: string | undefined } | undefined {
  let read = STATEMENTS.get(statement);
  if (read === undefined && !STATEMENTS.has(statement)) {
    const exact = statement.trim().replace(/\s+/g, ' ');
    read =
      exact === ''
        ? undefined
        : {
            shape: statementShape(exact),
            exact: isRead(exact) && !BIND_PARAMETER.test(exact) ? exact : undefined,
          };
    if (STATEMENTS.size >= REMEMBERED) STATEMENTS.clear();
    STATEMENTS.set(statement, read);
  }
  return read;
}

/**
 * A statement with its values taken out, as `errors` takes them out of messages, and a list of
 * values (`IN (?, ?, ?)`, a multi-row VALUES) as one: the same query for 3 ids or for 30. A `?`
 * bind parameter is a value too: normalizeMessage would read it as a URL's query string and take
 * the rest of the word with it (`IN (?, ?)` → `IN (?<query> ?<query>`).
 */
export function statementShape(statement: string): string {
  return remembered(STATEMENT_SHAPES, statement, shapeOfStatement);
}

function shapeOfStatement(statement: string): string {
  return normalizeMessage(statement.replace(/\?/g, '0'))
    .replace(/<(?:str|n|hex|uuid|ip)>/g, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?)')
    .replace(/\(\?\)(?:\s*,\s*\(\?\))+/g, '(?)')
    .replace(/\b(\w+):[A-Za-z]*\d[\w-]*/g, '$1:?');
}

const READ =
  /^\s*(?:\(?\s*SELECT|WITH|SHOW|DESCRIBE|EXPLAIN|GET|MGET|HGET|HGETALL|SMEMBERS|LRANGE|ZRANGE|EXISTS|FIND|find\b)/i;

/**
 * A bind parameter (`$1`, `?`, `:id`, `@p1`): the statement does not carry its values, so two
 * calls of it may read different rows.
 */
const BIND_PARAMETER = /\$\d+|(?<![\w'"])\?(?![\w'"])|(?<![:\w]):[A-Za-z_]\w*|@[A-Za-z_]\w*/;

/** A statement that only reads: repeating it with the same values gives the same answer. */
function isRead(statement: string): boolean {
  return READ.test(statement);
}

/** A URL's path, or a path as it is. */
function pathOf(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.startsWith('/')) return beforeQuery(text);
  // scheme://authority/path?query: the path without parsing the URL (it is read for every call).
  const scheme = text.indexOf('://');
  if (scheme === -1) return undefined;
  const slash = text.indexOf('/', scheme + 3);
  return slash === -1 ? '/' : beforeQuery(text.slice(slash));
}

function beforeQuery(path: string): string {
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/**
 * A path with its ids taken out (`/users/42/orders` → `/users/{id}/orders`): numbers, UUIDs, long
 * hex and tokens that mix letters with digits, as a route template has them.
 */
export function templatePath(path: string): string {
  return remembered(TEMPLATES, path, templateOf);
}

function templateOf(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      /^\d+$/.test(segment) ||
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
      /^[0-9a-f]{12,}$/i.test(segment) ||
      (/\d/.test(segment) && /[A-Za-z]/.test(segment) && segment.length >= 6 && !segment.startsWith('{')) ||
      /^[A-Za-z0-9_-]{20,}$/.test(segment)
        ? '{id}'
        : segment,
    )
    .join('/');
}

/**
 * The shapes of statements and paths seen: a service sends the same few thousand statements again
 * and again, and taking the values out of each is regular-expression work. Bounded: emptied when
 * full (ids written into statements make them all different).
 */
const STATEMENT_SHAPES = new Map<string, string>();
const STATEMENTS = new Map<string, { shape: string; exact: string | undefined } | undefined>();
const TEMPLATES = new Map<string, string>();
const REMEMBERED = 10_000;

function remembered(cache: Map<string, string>, text: string, make: (text: string) => string): string {
  let shape = cache.get(text);
  if (shape === undefined) {
    shape = make(text);
    if (cache.size >= REMEMBERED) cache.clear();
    cache.set(text, shape);
  }
  return shape;
}

/** Milliseconds since the epoch, as a double: exact to well under a microsecond for today's times. */
export function msOf(time: bigint): number {
  return Number(time) / 1e6;
}

/** The span's own duration in ms. */
export function durationMs(span: Span): number {
  return span.end > span.start ? Number(span.end - span.start) / 1e6 : 0;
}
