import { SourceError } from '../errors.js';
import type { TraceQuery } from '../model/query.js';
import type { TraceSummary } from '../model/summary.js';
import type { Nanos, TraceId } from '../model/types.js';
import {
  backendMessage,
  htmlPageError,
  looksLikeHtml,
  parseJsonBody,
  statusError,
} from './backend-response.js';
import type { HttpClient, HttpResponse } from './http-client.js';
import type { FetchedTrace, SearchAnswer, TraceBackend, TraceReader, TracesArray } from './trace-backend.js';
import { fetchedTrace, getTraces, type JsonAnswer, searchAnswer } from './traces-answer.js';

const V3 = 'Jaeger api/v3';
const V1 = 'Jaeger api/traces (v1)';

/** api_v3's traces, one or a search's: `{"result": {"resourceSpans": [...]}}`. */
const V3_TRACES: TracesArray = { path: ['result', 'resourceSpans'], empty: {} };
/** v1's: `{"data": [trace, ...], "errors": ...}`. */
const V1_TRACES: TracesArray = { path: ['data'], empty: { spans: [] } };

type Query = Record<string, string | undefined>;

/**
 * Jaeger: api_v3 first (`/api/v3/traces/{id}` → `{"result": OTLP}`), then the v1 API
 * (`/api/traces/{id}` → `{"data": [...]}`) when v3 is not there: older Jaeger and the third-party
 * backends that copy its API only serve v1. Which one worked is kept for the rest of the run.
 */
export class JaegerBackend implements TraceBackend {
  readonly kind = 'jaeger';
  #api: 'v3' | 'v1' | undefined;
  #hasSummaries: boolean | undefined;
  constructor(readonly client: HttpClient) {}

  get baseUrl(): string {
    return this.client.shownBase;
  }

  async fetchTrace(traceId: TraceId, reader?: TraceReader): Promise<FetchedTrace> {
    const v3 = await this.#askV3Traces(`api/v3/traces/${traceId}`, {}, reader);
    if (v3?.answer) return fetchedTrace(v3.url, v3.answer, reader);
    if (v3) return { status: 'not-found', url: v3.url, api: V3 };
    const response = await getTraces(this.client, `api/traces/${traceId}`, {}, V1_TRACES, reader);
    if (!response.streamed) {
      if (response.status === 404) return { status: 'not-found', url: response.shownUrl, api: V1 };
      throw statusError(response, V1);
    }
    if (response.value.kind === 'html') throw htmlPageError(response, this.client.hint);
    // v1 can answer 200 with {"data": [], "errors": [{"code": 404, …}]} for a missing id.
    if (response.value.elements === 0 && isEmptyV1(response.value.rest))
      return { status: 'not-found', url: response.shownUrl, api: V1 };
    return fetchedTrace(response.shownUrl, response.value, reader);
  }

  /**
   * v3 `GET /api/v3/traces?query.*` (snake_case names, which every v3 version reads; RFC 3339
   * bounds, both required) answers every matching trace whole, in one OTLP document; v1
   * `GET /api/traces?service=…` (µs bounds, tags as a JSON object) answers `{"data": [traces]}`.
   * Either is read as it arrives, into `reader` where one is given.
   */
  async searchTraces(query: TraceQuery, reader?: TraceReader): Promise<SearchAnswer> {
    const v3 = await this.#askV3Traces('api/v3/traces', v3Params(query), reader, searchDepthError);
    if (v3?.answer) return searchAnswer(v3.url, v3.answer, reader);
    if (v3) return { kind: 'documents', documents: [] }; // v3's 404 "No traces found"
    const response = await getTraces(this.client, 'api/traces', v1Params(query), V1_TRACES, reader);
    if (!response.streamed) throw searchDepthError(response, V1) ?? statusError(response, V1);
    if (response.value.kind === 'html') throw htmlPageError(response, this.client.hint);
    return searchAnswer(response.shownUrl, response.value, reader);
  }

  /** `GET /api/v3/trace-summaries` (Jaeger 2.19+): counts per trace without shipping the spans. */
  async traceSummaries(query: TraceQuery): Promise<TraceSummary[] | undefined> {
    if (this.#hasSummaries === false || this.#api === 'v1') return undefined;
    const response = await this.client.get('api/v3/trace-summaries', v3Params(query));
    if (response.status === 200 && !looksLikeHtml(response)) {
      this.#hasSummaries = true;
      return (await searchAnswers()).decodeJaegerSummaries(
        parseJsonBody(response, this.client.hint),
        response.shownUrl,
      );
    }
    if (response.status === 404 && hasV3ErrorEnvelope(response)) return [];
    if (response.status !== 404 && response.status !== 200) throw statusError(response, V3);
    this.#hasSummaries = false;
    return undefined;
  }

  async services(): Promise<string[] | undefined> {
    const v3 = await this.#askV3('api/v3/services');
    const response = v3 ?? (await this.client.get('api/services'));
    if (response.status !== 200) throw statusError(response, v3 ? V3 : V1);
    return (await searchAnswers()).decodeJaegerServices(
      parseJsonBody(response, this.client.hint),
      response.shownUrl,
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /**
   * Asks api_v3 unless this Jaeger is known not to have it. Returns its answer when it is a v3
   * answer (200, or 404 in v3's error envelope), undefined when v3 is not there: a plain 404
   * ("404 page not found") or the UI's HTML page.
   */
  async #askV3(path: string): Promise<HttpResponse | undefined> {
    if (this.#api === 'v1') return undefined;
    const response = await this.client.get(path);
    const fromV3 = response.status === 200 ? !looksLikeHtml(response) : v3Status(response);
    this.#api = fromV3 ? 'v3' : 'v1';
    return fromV3 ? response : undefined;
  }

  /**
   * `#askV3` for traces, read as they arrive: the JSON answer (`answer`), v3's 404 envelope (no
   * `answer`), or undefined where v3 is not there.
   */
  async #askV3Traces(
    path: string,
    params: Query,
    reader: TraceReader | undefined,
    explain: Explain = () => undefined,
  ): Promise<{ url: string; answer?: JsonAnswer } | undefined> {
    if (this.#api === 'v1') return undefined;
    const response = await getTraces(this.client, path, params, V3_TRACES, reader);
    const answer = response.streamed && response.value.kind === 'json' ? response.value : undefined;
    const fromV3 = response.streamed ? answer !== undefined : v3Status(response, explain);
    this.#api = fromV3 ? 'v3' : 'v1';
    return fromV3 ? { url: response.shownUrl, answer } : undefined;
  }
}

type Explain = (response: HttpResponse, api: string) => SourceError | undefined;

/**
 * Whether an answer other than a 200 comes from api_v3: its 404 envelope does, a plain 404 does
 * not; any other status is an error.
 */
function v3Status(response: HttpResponse, explain: Explain = () => undefined): boolean {
  if (response.status === 404) return hasV3ErrorEnvelope(response);
  throw explain(response, V3) ?? statusError(response, V3);
}

/**
 * Jaeger's memory store searches at most its `max_traces` traces and answers a deeper search (a
 * `--limit` above it) with a 500: "search depth must be greater than 0 and less than max traces".
 */
function searchDepthError(response: HttpResponse, api: string): SourceError | undefined {
  const said = backendMessage(response.body);
  if (response.status !== 500 || said === undefined || !said.includes('search depth')) return undefined;
  const url = new URL(response.shownUrl);
  const depth = url.searchParams.get('query.num_traces') ?? url.searchParams.get('limit');
  return new SourceError(
    `${url.origin}${url.pathname}: ${api} refused a search of ${depth} traces: ${JSON.stringify(said)}`,
    "lower --limit: Jaeger's memory storage searches at most the max_traces it keeps",
  );
}

function v3Params(query: TraceQuery): Query {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    'query.service_name': query.service,
    'query.operation_name': query.operation,
    'query.start_time_min': rfc3339(query.start ?? 0n),
    'query.start_time_max': rfc3339(query.end ?? now),
    'query.duration_min': goDuration(query.minDuration),
    'query.num_traces': String(query.limit),
    // Read by Jaeger versions that support attribute search; older ones ignore it, and the
    // caller checks every returned trace against the tags.
    'query.attributes': query.tags.length > 0 ? JSON.stringify(Object.fromEntries(query.tags)) : undefined,
  };
}

function v1Params(query: TraceQuery): Query {
  return {
    service: query.service,
    operation: query.operation,
    tags: query.tags.length > 0 ? JSON.stringify(Object.fromEntries(query.tags)) : undefined,
    start: query.start === undefined ? undefined : String(query.start / 1000n),
    end: query.end === undefined ? undefined : String(query.end / 1000n),
    minDuration: goDuration(query.minDuration),
    limit: String(query.limit),
  };
}

/** RFC 3339 in UTC with the nanoseconds, as Go's time.RFC3339Nano reads it. */
export function rfc3339(epochNanos: bigint): string {
  const seconds = epochNanos / 1_000_000_000n;
  const fraction = epochNanos % 1_000_000_000n;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return fraction === 0n ? `${base}Z` : `${base}.${fraction.toString().padStart(9, '0')}Z`;
}

/** A Go duration (`time.ParseDuration`), exact: nanoseconds. */
function goDuration(value: Nanos | undefined): string | undefined {
  return value === undefined ? undefined : `${value}ns`;
}

function hasV3ErrorEnvelope(response: HttpResponse): boolean {
  try {
    const doc = JSON.parse(response.body) as { error?: unknown };
    return typeof doc.error === 'object' && doc.error !== null && backendMessage(response.body) !== undefined;
  } catch {
    return false;
  }
}

function isEmptyV1(document: unknown): boolean {
  if (typeof document !== 'object' || document === null || !('data' in document)) return false;
  const data = (document as { data: unknown }).data;
  return data === null || (Array.isArray(data) && data.length === 0);
}

/** The search answers' schemas (zod) load with the first search, not with every command. */
function searchAnswers(): Promise<typeof import('../schema/search-answers.js')> {
  return import('../schema/search-answers.js');
}
