import { HttpClient, type HttpOptions } from './http-client.js';
import { JaegerBackend } from './jaeger-backend.js';
import { TempoBackend } from './tempo-backend.js';
import type { BackendKind, TraceBackend } from './trace-backend.js';
import { ZipkinBackend } from './zipkin-backend.js';

export {
  BACKEND_KINDS,
  type BackendKind,
  type FetchedTrace,
  type SearchAnswer,
  type TraceBackend,
} from './trace-backend.js';

export const BACKEND_HINTS = {
  jaeger:
    '--jaeger (or OTRACE_JAEGER_URL) takes the base URL of jaeger-query, which listens on port 16686 by default',
  tempo: "--tempo (or OTRACE_TEMPO_URL) takes the base URL of Tempo's HTTP API, port 3200 by default",
  zipkin: '--zipkin (or OTRACE_ZIPKIN_URL) takes the base URL of the Zipkin server, port 9411 by default',
} as const satisfies Record<BackendKind, string>;

export function createBackend(kind: BackendKind, url: string, options: HttpOptions): TraceBackend {
  const client = new HttpClient(url, options, BACKEND_HINTS[kind]);
  const backends = {
    jaeger: () => new JaegerBackend(client),
    tempo: () => new TempoBackend(client),
    zipkin: () => new ZipkinBackend(client),
  } satisfies Record<BackendKind, () => TraceBackend>;
  return backends[kind]();
}
