import { SourceError, UsageError } from '../errors.js';
import { TraceCollector } from '../model/collect-traces.js';
import type { Nanos, Trace, TraceId } from '../model/types.js';
import { decodeDocument } from '../schema/decode.js';
import { BACKEND_KINDS, type BackendKind, createBackend, type TraceBackend } from '../sources/backends.js';
import type { CommandContext } from './context.js';
import { parseDuration } from './parse-options.js';

export interface BackendOptions {
  jaeger?: string;
  tempo?: string;
  header?: string[];
  requestTimeout: string;
  wait?: string;
}

const ENV_URL = { jaeger: 'OTRACE_JAEGER_URL', tempo: 'OTRACE_TEMPO_URL' } as const satisfies Record<
  BackendKind,
  string
>;

/**
 * The backend to ask, if any: `--jaeger`/`--tempo`, else OTRACE_JAEGER_URL/OTRACE_TEMPO_URL when no
 * file was named. A file and a backend together, or two backends, are a usage error.
 */
export function chooseBackend(
  options: BackendOptions,
  files: readonly string[],
  ctx: CommandContext,
): TraceBackend | undefined {
  const flagged = BACKEND_KINDS.filter((kind) => options[kind] !== undefined);
  if (flagged.length > 1) throw new UsageError('--jaeger and --tempo together: pick one source');
  if (flagged.length === 1 && files.length > 0)
    throw new UsageError(`-f and --${flagged[0]} together: pick one source`);
  if (files.length > 0) return undefined;
  const env = ctx.terminal.env;
  const kind = flagged[0] ?? BACKEND_KINDS.find((k) => env[ENV_URL[k]]);
  if (kind === undefined) return undefined;
  const url = options[kind] ?? env[ENV_URL[kind]]!;
  return createBackend(kind, url, {
    headers: parseHeaders(options.header ?? []),
    token: env.OTRACE_TOKEN || undefined,
    timeoutMs: Number(parseDuration(options.requestTimeout, '--request-timeout') / 1_000_000n) || 1,
    retries: 2,
  });
}

function parseHeaders(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = colon > 0 ? value.slice(0, colon).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      // The value may be a secret: name only the part before the colon.
      throw new UsageError(`--header ${JSON.stringify(name || value.slice(0, 20))}: expected 'Name: value'`);
    }
    out[name] = value.slice(colon + 1).trim();
  }
  return out;
}

const POLL_MS = 1000;

/**
 * One trace from a backend. With `--wait`, poll until the trace exists and its span count has
 * stopped growing (spans arrive late through the Collector's batching), within the wait.
 */
export async function fetchTrace(
  backend: TraceBackend,
  traceId: TraceId,
  wait: Nanos | undefined,
  ctx: CommandContext,
  progress: (text: string) => void,
): Promise<Trace> {
  const waitMs = wait === undefined ? 0 : Number(wait / 1_000_000n);
  const deadline = Date.now() + waitMs;
  let trace: Trace | undefined;
  let notFound: { url: string; api: string } | undefined;
  // Bounded by the deadline and by the number of polls that fit in it; at least one attempt.
  for (let polls = 0; polls <= Math.ceil(waitMs / POLL_MS); polls++) {
    const fetched = await backend.fetchTrace(traceId);
    if (fetched.status === 'found') {
      const next = decodeFetched(fetched.document, fetched.url, traceId, ctx);
      if (wait === undefined || (trace !== undefined && next.spans.length === trace.spans.length))
        return next;
      trace = next;
      progress(`trace ${traceId}: ${next.spans.length} spans, waiting for more…`);
    } else {
      notFound = fetched;
      progress(`waiting for trace ${traceId}…`);
    }
    if (Date.now() + POLL_MS > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (trace) {
    ctx.warn(`trace ${traceId} was still growing when --wait ran out; showing ${trace.spans.length} spans`);
    return trace;
  }
  throw new SourceError(
    `trace ${traceId} not found: ${notFound!.api} answered 404 (${notFound!.url})`,
    wait === undefined
      ? 'check the id, or pass --wait 30s if the spans may still be on their way'
      : 'check the id and the backend URL',
  );
}

export function decodeFetched(document: unknown, url: string, traceId: TraceId, ctx: CommandContext): Trace {
  const collector = new TraceCollector();
  decodeDocument(document, { file: url, line: 1, warn: ctx.warn }, collector, 'auto');
  const traces = collector.traces();
  const trace = traces.find((t) => t.traceId === traceId) ?? (traces.length === 1 ? traces[0] : undefined);
  if (!trace) throw new SourceError(`${url}: the answer holds no spans of trace ${traceId}`);
  return trace;
}
