import { UsageError } from '../errors.js';
import { parseDuration } from '../model/duration.js';
import type { TraceQuery } from '../model/query.js';
import type { Nanos } from '../model/types.js';
import { parseCount } from './parse-options.js';

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
export function parseTime(text: string, option: string): Nanos {
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
