import { traceMatches } from '../analysis/match-query.js';
import { SourceError, UsageError } from '../errors.js';
import { earliestStart, newestFirst, TraceCollector } from '../model/collect-traces.js';
import type { TraceQuery } from '../model/query.js';
import type { Nanos, Trace, TraceId } from '../model/types.js';
import { decodeDocument } from '../schema/decode.js';
import type { TraceBackend } from '../sources/backends.js';
import type { CommandContext } from './context.js';
import { decodeFetched } from './fetch-trace.js';
import { parseCount, parseDuration } from './parse-options.js';

export interface SearchOptions {
  service?: string;
  operation?: string;
  tag?: string[];
  since?: string;
  start?: string;
  end?: string;
  minDuration?: string;
  limit?: string;
  query?: string;
}

/** Traces a backend search asks for unless `--limit` says otherwise. */
const DEFAULT_BACKEND_LIMIT = 100;
/** Default window of a backend search, as in Jaeger's UI. */
const DEFAULT_LOOKBACK = 3_600_000_000_000n as Nanos;
/** Traces fetched at once when a search answers ids (Tempo). */
export const FETCH_CONCURRENCY = 4;

/**
 * The search flags as a query. Files are searched only as far as flags say; a backend search
 * always has a window (the last hour unless told), as backends require one.
 */
export function parseSearch(options: SearchOptions, forBackend: boolean, now: Nanos): TraceQuery {
  if (options.since !== undefined && options.start !== undefined)
    throw new UsageError('--since and --start together: pick one', '--since 2h is --start two hours ago');
  const since = options.since === undefined ? undefined : parseDuration(options.since, '--since');
  let start = options.start === undefined ? undefined : parseTime(options.start, '--start');
  let end = options.end === undefined ? undefined : parseTime(options.end, '--end');
  if (since !== undefined) start = (now - since) as Nanos;
  if (forBackend) {
    end ??= now;
    start ??= (end - DEFAULT_LOOKBACK) as Nanos;
  }
  if (start !== undefined && end !== undefined && start > end)
    throw new UsageError('the search window ends before it starts', 'check --start/--since and --end');
  return {
    service: options.service,
    operation: options.operation,
    tags: (options.tag ?? []).map(parseTag),
    start,
    end,
    minDuration:
      options.minDuration === undefined ? undefined : parseDuration(options.minDuration, '--min-duration'),
    // Backends need a bound (Jaeger's UI uses 100 too); files are read whole unless told.
    limit:
      options.limit !== undefined
        ? parseCount(options.limit, '--limit', 1)
        : forBackend
          ? DEFAULT_BACKEND_LIMIT
          : Number.POSITIVE_INFINITY,
    traceQL: options.query,
  };
}

function parseTag(text: string): readonly [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new UsageError(
      `--tag ${JSON.stringify(text)}: expected key=value`,
      'e.g. --tag http.response.status_code=500',
    );
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}

/** RFC 3339 / ISO 8601 (local time unless it says Z or an offset), or epoch seconds. */
function parseTime(text: string, option: string): Nanos {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return (BigInt(Math.round(Number(trimmed) * 1e6)) * 1000n) as Nanos;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${option} ${JSON.stringify(text)}: not a time`,
      'write it as RFC 3339 (2026-05-01T10:00:00Z) or epoch seconds; for a relative window use --since 2h',
    );
  }
  return (BigInt(ms) * 1_000_000n) as Nanos;
}

/**
 * `--query` is TraceQL, which only Tempo runs: refused for files and for Jaeger, each with what
 * to use instead.
 */
export function refuseTraceQL(query: TraceQuery, source: 'files' | 'jaeger'): void {
  if (query.traceQL === undefined) return;
  throw new UsageError(
    '--query is TraceQL, which only Tempo runs',
    source === 'files'
      ? 'pass --tempo URL, or use --service/--tag on files'
      : 'for Jaeger use --service, --operation and --tag',
  );
}

/** The traces among `traces` that match, in input order, at most `limit`. */
export function searchLoaded(traces: readonly Trace[], query: TraceQuery): Trace[] {
  refuseTraceQL(query, 'files');
  const out: Trace[] = [];
  for (const trace of traces) {
    if (out.length >= query.limit) break;
    if (traceMatches(trace, query)) out.push(trace);
  }
  return out;
}

/** How many times deeper a search is asked again when the backend ignored a filter. */
const DEEPER = 10;
/** The deepest search asked for that reason. */
const MAX_DEPTH = 1000;

/**
 * A backend search: whole traces when the answer holds them (Jaeger), else each hit fetched with
 * at most FETCH_CONCURRENCY requests in flight (Tempo). What comes back is checked against the
 * query again, since a backend may ignore a filter it does not know; newest first.
 *
 * A backend that ignores a filter answers `limit` traces of which only some match, and matching
 * traces older than those are missed: Jaeger 2.13's api_v3 reads no `query.attributes`, so
 * `--tag` is applied here only. Such a full answer is asked again, DEEPER times deeper (at most
 * MAX_DEPTH); if the backend refuses that depth (Jaeger: above its `max_traces`), the first
 * answer stands, and either way a search still full of non-matching traces says so.
 */
export async function searchBackend(
  backend: TraceBackend,
  query: TraceQuery,
  ctx: CommandContext,
  progress: (text: string) => void,
): Promise<Trace[]> {
  await requireService(backend, query);
  let found = await searchOnce(backend, query, ctx, progress);
  const ignoredFilter = (f: SearchFound) => f.matching.length < f.returned;
  if (ignoredFilter(found) && found.returned >= query.limit && query.limit < MAX_DEPTH) {
    const depth = Math.min(query.limit * DEEPER, MAX_DEPTH);
    progress(`${backend.baseUrl} ignored a filter; searching ${depth} traces deep`);
    try {
      found = await searchOnce(backend, { ...query, limit: depth }, ctx, progress);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      ctx.warn(`a deeper search was refused (${error.message}); keeping the first answer`);
    }
  }
  const { matching, returned } = found;
  if (ignoredFilter(found)) {
    ctx.warn(
      `${returned - matching.length} of the ${returned} traces ${backend.baseUrl} returned do not match the search and were left out (the backend may not support every filter)${
        returned >= found.depth && matching.length < query.limit
          ? `; older matching traces may be missing: narrow the window or raise --limit`
          : ''
      }`,
    );
  }
  return newestFirst(matching, (t) => ({ start: earliestStart(t), traceId: t.traceId })).slice(
    0,
    query.limit,
  );
}

interface SearchFound {
  /** The traces that match the query, as far as it can be checked here. */
  readonly matching: Trace[];
  /** How many the backend returned. */
  readonly returned: number;
  /** The depth asked for. */
  readonly depth: number;
}

async function searchOnce(
  backend: TraceBackend,
  query: TraceQuery,
  ctx: CommandContext,
  progress: (text: string) => void,
): Promise<SearchFound> {
  const answer = await backend.searchTraces(query);
  let traces: Trace[];
  if (answer.kind === 'documents') {
    const collector = new TraceCollector();
    for (const { document, url } of answer.documents)
      decodeDocument(document, { file: url, line: 1, warn: ctx.warn }, collector, 'auto');
    traces = collector.traces();
  } else {
    const ids = answer.ids.slice(0, query.limit);
    let done = 0;
    const fetched = await mapBounded(ids, FETCH_CONCURRENCY, async (id) => {
      const trace = await fetchFound(backend, id, ctx);
      progress(`fetched ${++done} of ${ids.length} traces from ${backend.baseUrl}`);
      return trace;
    });
    traces = fetched.filter((t): t is Trace => t !== undefined);
  }
  // The window is the backend's to apply: its meaning varies (Tempo: the trace's time range
  // overlaps it; Jaeger: a span started in it), and a span a few µs outside it is no mismatch.
  const check = { ...query, start: undefined, end: undefined };
  const matching = query.traceQL === undefined ? traces.filter((t) => traceMatches(t, check)) : traces;
  return {
    matching,
    returned: traces.length,
    depth: query.limit,
  };
}

/** Jaeger searches one service at a time; without --service, say which ones it knows. */
export async function requireService(backend: TraceBackend, query: TraceQuery): Promise<void> {
  if (backend.kind !== 'tempo') refuseTraceQL(query, 'jaeger');
  if (backend.kind !== 'jaeger' || query.service !== undefined) return;
  const services = await backend.services();
  throw new UsageError(
    "Jaeger's search needs --service",
    services && services.length > 0
      ? `services in ${backend.baseUrl}: ${services.slice(0, 30).join(', ')}${services.length > 30 ? ', …' : ''}`
      : undefined,
  );
}

/** Services searched one by one at most, when a command needs every service's traces. */
const MAX_SERVICES = 50;

/**
 * Every service's traces in the window, for checks that pair one service's traces with another's
 * (a split trace has its halves in two services). Jaeger searches one service at a time: each
 * service it lists is searched, FETCH_CONCURRENCY at once; Tempo searches all at once.
 */
export async function searchEveryService(
  backend: TraceBackend,
  query: TraceQuery,
  ctx: CommandContext,
  progress: (text: string) => void,
): Promise<Trace[]> {
  const all = { ...query, service: undefined };
  if (backend.kind !== 'jaeger') return searchBackend(backend, all, ctx, progress);
  const services = (await backend.services()) ?? [];
  if (services.length > MAX_SERVICES)
    ctx.warn(`${backend.baseUrl} lists ${services.length} services; searching the first ${MAX_SERVICES}`);
  const lists = await mapBounded(services.slice(0, MAX_SERVICES), FETCH_CONCURRENCY, (service) =>
    searchBackend(backend, { ...all, service }, ctx, progress),
  );
  const byId = new Map<TraceId, Trace>();
  for (const trace of lists.flat()) if (!byId.has(trace.traceId)) byId.set(trace.traceId, trace);
  return [...byId.values()];
}

async function fetchFound(
  backend: TraceBackend,
  id: TraceId,
  ctx: CommandContext,
): Promise<Trace | undefined> {
  const fetched = await backend.fetchTrace(id);
  if (fetched.status === 'found') return decodeFetched(fetched.document, fetched.url, id, ctx);
  // Listed by the search, gone by the time we asked (retention, or still being indexed).
  ctx.warn(`trace ${id} was listed by the search but ${fetched.api} did not find it (${fetched.url})`);
  return undefined;
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order; first error wins. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        next = items.length; // start nothing more
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
