import type { TraceQuery } from '../model/query.js';
import type { TraceSummary } from '../model/summary.js';
import type { TraceId } from '../model/types.js';
import { htmlPageError, parseJsonBody, statusError } from './backend-response.js';
import type { HttpClient, HttpResponse } from './http-client.js';
import type { FetchedTrace, SearchAnswer, TraceBackend, TraceReader, TracesArray } from './trace-backend.js';
import { fetchedTrace, getTraces } from './traces-answer.js';

/** `/api/v2/traces/{id}` answers `{"trace": {"resourceSpans": [...]}}`, `/api/traces/{id}` `{"batches": [...]}`. */
const V2_TRACE: TracesArray = { path: ['trace', 'resourceSpans'], empty: {} };
const V1_TRACE: TracesArray = { path: ['batches'], empty: {} };

/** Tempo: `/api/v2/traces/{id}` (`{"trace": …}`), then the older `/api/traces/{id}` (`{"batches": …}`). */
export class TempoBackend implements TraceBackend {
  readonly kind = 'tempo';
  constructor(readonly client: HttpClient) {}

  get baseUrl(): string {
    return this.client.shownBase;
  }

  /** Read as it arrives, into `reader` where one is given. */
  async fetchTrace(traceId: TraceId, reader?: TraceReader): Promise<FetchedTrace> {
    let last: HttpResponse | undefined;
    for (const [path, at] of [
      [`api/v2/traces/${traceId}`, V2_TRACE],
      [`api/traces/${traceId}`, V1_TRACE],
    ] as const) {
      const response = await getTraces(this.client, path, {}, at, reader);
      if (response.streamed) {
        if (response.value.kind === 'html') throw htmlPageError(response, this.client.hint);
        return fetchedTrace(response.shownUrl, response.value, reader);
      }
      if (response.status !== 404) throw statusError(response, 'Tempo');
      last = response;
    }
    return { status: 'not-found', url: last!.shownUrl, api: 'Tempo api/v2/traces and api/traces' };
  }

  /**
   * `GET /api/search?q=<TraceQL>&start=&end=(unix seconds)&limit=` answers trace ids with a few
   * matched spans, not whole traces: the caller fetches each.
   */
  async searchTraces(query: TraceQuery): Promise<SearchAnswer> {
    const response = await this.client.get('api/search', {
      q: query.traceQL ?? toTraceQL(query),
      start: query.start === undefined ? undefined : String(query.start / 1_000_000_000n),
      // Tempo wants end > start in whole seconds: round the end up.
      end: query.end === undefined ? undefined : String((query.end + 999_999_999n) / 1_000_000_000n),
      limit: String(query.limit),
    });
    if (response.status !== 200) throw statusError(response, 'Tempo api/search');
    // The search answers' schemas (zod) load with the first search, not with every command.
    const { decodeTempoSearch } = await import('../schema/search-answers.js');
    const ids = decodeTempoSearch(parseJsonBody(response, this.client.hint), response.shownUrl);
    return { kind: 'ids', ids, url: response.shownUrl };
  }

  traceSummaries(): Promise<TraceSummary[] | undefined> {
    return Promise.resolve(undefined);
  }

  services(): Promise<string[] | undefined> {
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * The search flags as one TraceQL spanset, so that, as in Jaeger, one span must satisfy them all:
 * `{ resource.service.name = "user-service" && name = "GET /orders" && .http.route = "/x" && duration >= 100000000ns }`.
 * `error`, `span.kind` and `otel.status_code` are Jaeger-model tags; TraceQL has intrinsics for them.
 */
export function toTraceQL(query: TraceQuery): string {
  const conditions: string[] = [];
  if (query.service !== undefined) conditions.push(`resource.service.name = ${quote(query.service)}`);
  if (query.operation !== undefined) conditions.push(`name = ${quote(query.operation)}`);
  for (const [key, value] of query.tags) conditions.push(tagCondition(key, value));
  if (query.minDuration !== undefined) conditions.push(`duration >= ${query.minDuration}ns`);
  return conditions.length === 0 ? '{}' : `{ ${conditions.join(' && ')} }`;
}

function tagCondition(key: string, value: string): string {
  const lower = value.toLowerCase();
  if (key === 'error') return lower === 'true' ? 'status = error' : 'status != error';
  if (key === 'otel.status_code' && ['ok', 'error', 'unset'].includes(lower)) return `status = ${lower}`;
  if (key === 'span.kind' && ['server', 'client', 'producer', 'consumer', 'internal'].includes(lower))
    return `kind = ${lower}`;
  const name = /^[A-Za-z_][\w.-]*$/.test(key) ? `.${key}` : `.${quote(key)}`;
  // TraceQL is typed: a number or a boolean only equals an attribute of that type.
  const literal =
    /^-?\d+(\.\d+)?$/.test(value) || value === 'true' || value === 'false' ? value : quote(value);
  return `${name} = ${literal}`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
