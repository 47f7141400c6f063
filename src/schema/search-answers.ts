import { z } from 'zod';
import { SourceError } from '../errors.js';
import type { TraceSummary } from '../model/summary.js';
import type { TraceId } from '../model/types.js';
import { nanosToMillis } from '../model/units.js';
import { parseHexTraceId } from './ids.js';
import { firstIssue } from './zod-issue.js';

/**
 * The small answers around trace search: Jaeger's trace summaries and service lists, Tempo's
 * search hits. Validated with zod at the edge; a wrong shape means the URL is not the backend
 * it was taken for, so it is a source error (exit 3), not an input error.
 */

const decimalNanos = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]);

/** `GET /api/v3/trace-summaries` (Jaeger 2.19+). Counts are omitted when zero (proto3 JSON). */
const JaegerSummariesSchema = z.object({
  summaries: z
    .array(
      z.object({
        traceId: z.string(),
        rootServiceName: z.string().optional(),
        rootOperationName: z.string().optional(),
        minStartTimeUnixNano: decimalNanos.optional(),
        maxEndTimeUnixNano: decimalNanos.optional(),
        spanCount: z.number().int().nonnegative().optional(),
        errorSpanCount: z.number().int().nonnegative().optional(),
        services: z.array(z.object({ name: z.string() })).optional(),
      }),
    )
    .nullish(),
});

/** v3 `{"services": [...]}`, v1 `{"data": [...]}`. */
const JaegerServicesSchema = z.object({
  services: z.array(z.string()).nullish(),
  data: z.array(z.string()).nullish(),
});

/** `GET /api/search` on Tempo: trace ids may come without leading zeros. */
const TempoSearchSchema = z.object({
  traces: z.array(z.object({ traceID: z.string() })).nullish(),
});

function parse<T>(schema: z.ZodType<T>, document: unknown, url: string, what: string): T {
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  throw new SourceError(
    `${url}: ${firstIssue(result.error)}`,
    `this does not look like ${what}; check the URL`,
  );
}

function traceIdAt(raw: string, url: string): TraceId {
  const id = parseHexTraceId(raw);
  if (id === undefined) throw new SourceError(`${url}: ${JSON.stringify(raw)} is not a trace id`);
  return id;
}

export function decodeJaegerSummaries(document: unknown, url: string): TraceSummary[] {
  const doc = parse(JaegerSummariesSchema, document, url, "Jaeger's trace-summaries answer");
  return (doc.summaries ?? []).map((s) => {
    const start = BigInt(s.minStartTimeUnixNano ?? 0);
    const end = BigInt(s.maxEndTimeUnixNano ?? s.minStartTimeUnixNano ?? 0);
    const rootService = s.rootServiceName ?? '';
    const rootName = s.rootOperationName ?? '';
    return {
      traceId: traceIdAt(s.traceId, url),
      start,
      durationMs: nanosToMillis(end > start ? end - start : 0n),
      spanCount: s.spanCount ?? 0,
      errorCount: s.errorSpanCount ?? 0,
      rootService,
      rootName,
      rootMissing: rootService === '' && rootName === '',
      services: (s.services ?? []).map((service) => service.name),
    };
  });
}

export function decodeJaegerServices(document: unknown, url: string): string[] {
  const doc = parse(JaegerServicesSchema, document, url, "Jaeger's services answer");
  return [...(doc.services ?? doc.data ?? [])].sort();
}

/** `GET /api/v2/services` (Zipkin): a list of names. */
export function decodeZipkinServices(document: unknown, url: string): string[] {
  return [...parse(z.array(z.string()), document, url, "Zipkin's services answer")].sort();
}

export function decodeTempoSearch(document: unknown, url: string): TraceId[] {
  const doc = parse(TempoSearchSchema, document, url, "Tempo's search answer");
  return (doc.traces ?? []).map((t) => traceIdAt(t.traceID, url));
}
