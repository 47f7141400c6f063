import type { TraceQuery } from '../model/query.js';
import type { TraceSummary } from '../model/summary.js';
import type { TraceId } from '../model/types.js';
import { htmlPageError, parseJsonBody, statusError } from './backend-response.js';
import type { HttpClient } from './http-client.js';
import type { FetchedTrace, SearchAnswer, TraceBackend, TracesArray } from './trace-backend.js';
import { getTraces } from './traces-answer.js';

const API = 'Zipkin api/v2';
/** Zipkin looks back from `endTs` this far by default (its UI: the last hour); a search without a start looks back a day. */
const DEFAULT_LOOKBACK_MS = 86_400_000n;

/**
 * Zipkin's answers are lists (of spans, or of traces): each element is parsed as it arrives, but
 * the answer is decoded whole, never element by element, since how a list reads depends on all
 * of it (a list of traces or of spans; a shared span is split against its client's half).
 */
const LIST: TracesArray = { path: [], empty: [] };

/**
 * Zipkin's v2 API: `/api/v2/trace/{id}` (a list of spans), `/api/v2/traces` (a list of traces,
 * whole, so no second round of fetches), `/api/v2/services`. Times in the query are epoch
 * milliseconds (`endTs`, `lookback`), durations microseconds.
 */
export class ZipkinBackend implements TraceBackend {
  readonly kind = 'zipkin';
  constructor(readonly client: HttpClient) {}

  get baseUrl(): string {
    return this.client.shownBase;
  }

  async fetchTrace(traceId: TraceId): Promise<FetchedTrace> {
    const response = await getTraces(
      this.client,
      `api/v2/trace/${zipkinTraceId(traceId)}`,
      {},
      LIST,
      undefined,
    );
    if (!response.streamed) {
      if (response.status === 404) return { status: 'not-found', url: response.shownUrl, api: API };
      throw statusError(response, API);
    }
    if (response.value.kind === 'html') throw htmlPageError(response, this.client.hint);
    const { rest, elements, reading } = response.value;
    return { status: 'found', document: reading.end(rest, elements), url: response.shownUrl };
  }

  async searchTraces(query: TraceQuery): Promise<SearchAnswer> {
    const params = searchParams(query, BigInt(Date.now()));
    const response = await getTraces(this.client, 'api/v2/traces', params, LIST, undefined);
    if (!response.streamed) throw statusError(response, `${API} traces`);
    if (response.value.kind === 'html') throw htmlPageError(response, this.client.hint);
    const { rest, elements, reading } = response.value;
    const document = reading.end(rest, elements);
    // An empty answer is no trace, not a document to decode.
    if (Array.isArray(document) && document.length === 0) return { kind: 'documents', documents: [] };
    return { kind: 'documents', documents: [{ document, url: response.shownUrl }] };
  }

  traceSummaries(): Promise<TraceSummary[] | undefined> {
    return Promise.resolve(undefined);
  }

  async services(): Promise<string[] | undefined> {
    const response = await this.client.get('api/v2/services');
    if (response.status !== 200) throw statusError(response, `${API} services`);
    const { decodeZipkinServices } = await import('../schema/search-answers.js');
    return decodeZipkinServices(parseJsonBody(response, this.client.hint), response.shownUrl);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Zipkin stores a 64-bit trace id as 16 hex chars: ask for it without the zero high half. */
export function zipkinTraceId(traceId: TraceId): string {
  return traceId.startsWith('0000000000000000') ? traceId.slice(16) : traceId;
}

/**
 * The search as Zipkin's query: `serviceName`, `spanName`, `annotationQuery` (`error and
 * http.status_code=500`: tags joined by " and ", a bare key for "has the tag"), `minDuration` in
 * µs, and the window as `endTs` and `lookback` in ms.
 */
export function searchParams(query: TraceQuery, nowMs: bigint): Record<string, string | undefined> {
  const endMs = query.end === undefined ? nowMs : query.end / 1_000_000n;
  const lookback = query.start === undefined ? DEFAULT_LOOKBACK_MS : endMs - query.start / 1_000_000n;
  const annotations = query.tags.map(([key, value]) =>
    key === 'error' && value === 'true' ? 'error' : `${key}=${value}`,
  );
  return {
    serviceName: query.service,
    spanName: query.operation,
    annotationQuery: annotations.length > 0 ? annotations.join(' and ') : undefined,
    minDuration: query.minDuration === undefined ? undefined : String(query.minDuration / 1000n),
    endTs: String(endMs),
    lookback: String(lookback > 0n ? lookback : 1n),
    limit: String(query.limit),
  };
}
