import type { Nanos } from './types.js';

/**
 * A search across traces, as `--service/--operation/--tag/--since/--start/--end/--min-duration/--limit`
 * (and Tempo's `--query`) describe it. Jaeger's semantics: a trace matches when one of its spans
 * is of the service, has the operation name and every tag, lasted at least `minDuration` and
 * started inside the time window.
 */
export interface TraceQuery {
  readonly service: string | undefined;
  readonly operation: string | undefined;
  /** `--tag k=v`, in the order given. */
  readonly tags: readonly (readonly [string, string])[];
  /** Start-time window of the matching span; open ends are undefined. */
  readonly start: Nanos | undefined;
  readonly end: Nanos | undefined;
  readonly minDuration: Nanos | undefined;
  /** At most this many traces (Infinity: no bound, for files). */
  readonly limit: number;
  /** A raw TraceQL query (Tempo only), used instead of the fields above. */
  readonly traceQL: string | undefined;
}

/** True when the query narrows anything beyond the limit. */
export function isFiltering(query: TraceQuery): boolean {
  return (
    query.service !== undefined ||
    query.operation !== undefined ||
    query.tags.length > 0 ||
    query.start !== undefined ||
    query.end !== undefined ||
    query.minDuration !== undefined
  );
}
