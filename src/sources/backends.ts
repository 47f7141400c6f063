import type { TraceId } from '../model/types.js';
import { backendMessage, parseJsonBody, statusError } from './backend-response.js';
import { HttpClient, type HttpOptions, type HttpResponse } from './http-client.js';

/** What a backend gave for one trace id: a document for schema/ to decode, or not found (expected). */
export type FetchedTrace =
  | { readonly status: 'found'; readonly document: unknown; readonly url: string }
  | { readonly status: 'not-found'; readonly url: string; readonly api: string };

export interface TraceBackend {
  readonly kind: BackendKind;
  readonly baseUrl: string;
  fetchTrace(traceId: TraceId): Promise<FetchedTrace>;
  close(): Promise<void>;
}

export const BACKEND_KINDS = ['jaeger', 'tempo'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

const HINTS = {
  jaeger: '--jaeger (or OTRACE_JAEGER_URL) takes the base URL of jaeger-query, e.g. http://localhost:16686',
  tempo: "--tempo (or OTRACE_TEMPO_URL) takes the base URL of Tempo's HTTP API, e.g. http://localhost:3200",
} as const satisfies Record<BackendKind, string>;

/**
 * Jaeger: api_v3 first (`/api/v3/traces/{id}` → `{"result": OTLP}`), then the v1 API
 * (`/api/traces/{id}` → `{"data": [...]}`) when v3 is not there: older Jaeger and the third-party
 * backends that copy its API only serve v1. Which one worked is kept for the rest of the run.
 */
class JaegerBackend implements TraceBackend {
  readonly kind = 'jaeger';
  #api: 'v3' | 'v1' | undefined;
  constructor(readonly client: HttpClient) {}

  get baseUrl(): string {
    return this.client.shownBase;
  }

  async fetchTrace(traceId: TraceId): Promise<FetchedTrace> {
    if (this.#api !== 'v1') {
      const response = await this.client.get(`api/v3/traces/${traceId}`);
      if (response.status === 200 && !looksLikeHtml(response)) {
        this.#api = 'v3';
        return found(response, parseJsonBody(response, HINTS.jaeger));
      }
      if (response.status === 404 && hasV3ErrorEnvelope(response)) {
        this.#api = 'v3';
        return { status: 'not-found', url: response.shownUrl, api: 'Jaeger api/v3' };
      }
      // A plain 404 ("404 page not found") or the UI's HTML page: no api_v3 here.
      if (response.status !== 404 && response.status !== 200) throw statusError(response, 'Jaeger api/v3');
      this.#api = 'v1';
    }
    const response = await this.client.get(`api/traces/${traceId}`);
    if (response.status === 404)
      return { status: 'not-found', url: response.shownUrl, api: 'Jaeger api/traces (v1)' };
    if (response.status !== 200) throw statusError(response, 'Jaeger api/traces (v1)');
    const document = parseJsonBody(response, HINTS.jaeger);
    // v1 can answer 200 with {"data": [], "errors": [{"code": 404, …}]} for a missing id.
    if (isEmptyV1(document))
      return { status: 'not-found', url: response.shownUrl, api: 'Jaeger api/traces (v1)' };
    return found(response, document);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Tempo: `/api/v2/traces/{id}` (`{"trace": …}`), then the older `/api/traces/{id}` (`{"batches": …}`). */
class TempoBackend implements TraceBackend {
  readonly kind = 'tempo';
  constructor(readonly client: HttpClient) {}

  get baseUrl(): string {
    return this.client.shownBase;
  }

  async fetchTrace(traceId: TraceId): Promise<FetchedTrace> {
    let last: HttpResponse | undefined;
    for (const path of [`api/v2/traces/${traceId}`, `api/traces/${traceId}`]) {
      const response = await this.client.get(path);
      if (response.status === 200) return found(response, parseJsonBody(response, HINTS.tempo));
      if (response.status !== 404) throw statusError(response, 'Tempo');
      last = response;
    }
    return { status: 'not-found', url: last!.shownUrl, api: 'Tempo api/v2/traces and api/traces' };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function createBackend(kind: BackendKind, url: string, options: HttpOptions): TraceBackend {
  const client = new HttpClient(url, options, HINTS[kind]);
  const backends = {
    jaeger: () => new JaegerBackend(client),
    tempo: () => new TempoBackend(client),
  } satisfies Record<BackendKind, () => TraceBackend>;
  return backends[kind]();
}

function found(response: HttpResponse, document: unknown): FetchedTrace {
  return { status: 'found', document, url: response.shownUrl };
}

function looksLikeHtml(response: HttpResponse): boolean {
  return response.contentType.includes('text/html') || response.body.trimStart().startsWith('<');
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
