import { UsageError } from '../errors.js';
import { parseDuration } from '../model/duration.js';
import { BACKEND_KINDS, type BackendKind, createBackend, type TraceBackend } from '../sources/backends.js';

export interface BackendOptions {
  jaeger?: string;
  tempo?: string;
  zipkin?: string;
  header?: string[];
  requestTimeout: string;
  wait?: string;
}

const ENV_URL = {
  jaeger: 'OTRACE_JAEGER_URL',
  tempo: 'OTRACE_TEMPO_URL',
  zipkin: 'OTRACE_ZIPKIN_URL',
} as const satisfies Record<BackendKind, string>;

/**
 * The backend to ask, if any: `--jaeger`/`--tempo`/`--zipkin`, else OTRACE_JAEGER_URL /
 * OTRACE_TEMPO_URL / OTRACE_ZIPKIN_URL when no file was named. A file and a backend together, or two backends, are a usage error.
 */
export function chooseBackend(
  options: BackendOptions,
  files: readonly string[],
  env: NodeJS.ProcessEnv,
): TraceBackend | undefined {
  const flagged = BACKEND_KINDS.filter((kind) => options[kind] !== undefined);
  if (flagged.length > 1)
    throw new UsageError(`${flagged.map((kind) => `--${kind}`).join(' and ')} together: pick one source`);
  if (flagged.length === 1 && files.length > 0)
    throw new UsageError(`-f and --${flagged[0]} together: pick one source`);
  if (files.length > 0) return undefined;
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
      // Without a name, the whole value may be a secret (a token pasted alone): none of it is shown.
      throw new UsageError(
        colon > 0
          ? `--header ${JSON.stringify(name)}: not a header name`
          : `--header (${value.length} characters): no colon`,
        "write it as 'Name: value'",
      );
    }
    out[name] = value.slice(colon + 1).trim();
  }
  return out;
}
