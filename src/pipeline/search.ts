import type { SpanCompactor } from '../analysis/compact-span.js';
import { traceMatches } from '../analysis/match-query.js';
import { SourceError, UsageError } from '../errors.js';
import { earliestStart, newestFirst } from '../model/collect-traces.js';
import type { TraceQuery } from '../model/query.js';
import type { Trace, TraceId } from '../model/types.js';
import type { TraceBackend } from '../sources/backends.js';
import { traceReader } from './decode-answer.js';
import { type DecodeOptions, decodeTraces } from './decode-traces.js';
import { traceOf } from './fetch-trace.js';
import type { PipelineHooks } from './hooks.js';

/** Traces fetched at once when a search answers ids (Tempo). */
export const FETCH_CONCURRENCY = 4;

/**
 * `--query` is TraceQL, which only Tempo runs: refused for files and for Jaeger, each with what
 * to use instead.
 */
export function refuseTraceQL(query: TraceQuery, source: 'files' | 'jaeger' | 'zipkin'): void {
  if (query.traceQL === undefined) return;
  throw new UsageError(
    '--query is TraceQL, which only Tempo runs',
    source === 'files'
      ? 'pass --tempo URL, or use --service/--tag on files'
      : `for ${source === 'jaeger' ? 'Jaeger' : 'Zipkin'} use --service, --operation and --tag`,
  );
}

/** The traces among `traces` that match, in input order, at most `limit`. */
export function searchLoaded(traces: readonly Trace[], query: TraceQuery): Trace[] {
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
 * query again, since a backend may ignore a filter it does not know; newest first. Answers are
 * decoded as they arrive, each span made compact by `compact` where it is given (a command over
 * many traces: only what its analysis reads is kept), as files are read.
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
  hooks: PipelineHooks,
  compact?: SpanCompactor,
): Promise<Trace[]> {
  await requireService(backend, query);
  const decoding: DecodeOptions = { warn: hooks.warn, compact };
  let found = await searchOnce(backend, query, hooks, decoding);
  const ignoredFilter = (f: SearchFound) => f.matching.length < f.returned;
  if (ignoredFilter(found) && found.returned >= query.limit && query.limit < MAX_DEPTH) {
    const depth = Math.min(query.limit * DEEPER, MAX_DEPTH);
    hooks.progress?.(`${backend.baseUrl} ignored a filter; searching ${depth} traces deep`);
    try {
      found = await searchOnce(backend, { ...query, limit: depth }, hooks, decoding);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      hooks.warn(`a deeper search was refused (${error.message}); keeping the first answer`);
    }
  }
  const { matching, returned } = found;
  if (ignoredFilter(found)) {
    hooks.warn(
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
  hooks: PipelineHooks,
  decoding: DecodeOptions,
): Promise<SearchFound> {
  const answer = await backend.searchTraces(query, traceReader(decoding));
  let traces: Trace[];
  if (answer.kind === 'decoded') {
    traces = [...answer.traces];
  } else if (answer.kind === 'documents') {
    traces = answer.documents.flatMap(({ document, url }) => decodeTraces(document, url, decoding));
  } else {
    const ids = answer.ids.slice(0, query.limit);
    let done = 0;
    const fetched = await mapBounded(ids, FETCH_CONCURRENCY, async (id) => {
      const trace = await fetchFound(backend, id, hooks, decoding);
      hooks.progress?.(`fetched ${++done} of ${ids.length} traces from ${backend.baseUrl}`);
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
  if (backend.kind !== 'tempo') refuseTraceQL(query, backend.kind);
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
  hooks: PipelineHooks,
  compact?: SpanCompactor,
): Promise<Trace[]> {
  const all = { ...query, service: undefined };
  if (backend.kind !== 'jaeger') return searchBackend(backend, all, hooks, compact);
  const services = (await backend.services()) ?? [];
  if (services.length > MAX_SERVICES)
    hooks.warn(`${backend.baseUrl} lists ${services.length} services; searching the first ${MAX_SERVICES}`);
  const lists = await mapBounded(services.slice(0, MAX_SERVICES), FETCH_CONCURRENCY, (service) =>
    searchBackend(backend, { ...all, service }, hooks, compact),
  );
  const byId = new Map<TraceId, Trace>();
  for (const trace of lists.flat()) if (!byId.has(trace.traceId)) byId.set(trace.traceId, trace);
  return [...byId.values()];
}

async function fetchFound(
  backend: TraceBackend,
  id: TraceId,
  hooks: PipelineHooks,
  decoding: DecodeOptions,
): Promise<Trace | undefined> {
  const fetched = await backend.fetchTrace(id, traceReader(decoding));
  if (fetched.status !== 'not-found') return traceOf(fetched, id, decoding);
  // Listed by the search, gone by the time we asked (retention, or still being indexed).
  hooks.warn(`trace ${id} was listed by the search but ${fetched.api} did not find it (${fetched.url})`);
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
