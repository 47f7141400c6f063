import { z } from 'zod';
import { SkippedInputsField } from './skipped-inputs.js';
import { SHOW_SCHEMA_VERSION, SPAN_MARKERS } from './versions.js';

/**
 * The contract of `otrace show --format json`. The zod schema is the source: tests check output against it and
 * `npm run schemas` writes the JSON Schema from it. It lives apart from the renderer, which
 * imports only its types, so that running a command never loads zod.
 */
const ExceptionSchema = z.object({ type: z.string(), message: z.string(), stacktrace: z.string() });

export const ShowSpanSchema = z.object({
  spanId: z.string().regex(/^[0-9a-f]{16}$/),
  parentSpanId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .nullable(),
  depth: z.number().int().nonnegative(),
  service: z.string(),
  name: z.string(),
  kind: z.enum(['internal', 'server', 'client', 'producer', 'consumer']),
  startTime: z.string(),
  startOffsetMs: z.number(),
  durationMs: z.number().nonnegative(),
  selfMs: z.number().nonnegative(),
  /** Time the critical path spends in this span itself. */
  criticalPathMs: z.number().nonnegative(),
  status: z.object({ code: z.enum(['unset', 'ok', 'error']), message: z.string() }),
  exceptions: z.array(ExceptionSchema),
  markers: z.array(z.enum(SPAN_MARKERS)),
});

const SpanIdSchema = z.string().regex(/^[0-9a-f]{16}$/);
const CallFamilySchema = z.enum(['db', 'http', 'rpc', 'call']);

/**
 * What every performance finding has (analysis/perf/perf-findings.ts): the span that made the
 * calls (`spanId`, its `service` and `operation`), the calls (`callSpanIds`), what they share
 * (`shape`: values taken out), the time the better way would save, and the finding in words.
 */
const PerfFindingFields = {
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  spanId: SpanIdSchema,
  service: z.string(),
  operation: z.string(),
  shape: z.string(),
  count: z.number().int().positive(),
  savedMs: z.number().nonnegative(),
  callSpanIds: z.array(SpanIdSchema),
  text: z.string(),
};

/** A performance finding of the trace, with its kind's own fields. */
export const ShowPerfFindingSchema = z.discriminatedUnion('kind', [
  z.object({
    ...PerfFindingFields,
    kind: z.literal('n-plus-one'),
    family: CallFamilySchema,
    peer: z.string().nullable(),
    totalMs: z.number().nonnegative(),
  }),
  z.object({ ...PerfFindingFields, kind: z.literal('sequential-calls'), totalMs: z.number().nonnegative() }),
  z.object({
    ...PerfFindingFields,
    kind: z.literal('redundant-call'),
    family: CallFamilySchema,
    /** The read with its values, as repeated. */
    exact: z.string(),
  }),
  z.object({
    ...PerfFindingFields,
    kind: z.literal('retry-storm'),
    /** Attempts here times those of the retries nested in them. */
    multiplied: z.number().int().positive(),
  }),
  z.object({ ...PerfFindingFields, kind: z.literal('fan-out'), shapes: z.number().int().positive() }),
  z.object({ ...PerfFindingFields, kind: z.literal('pool-wait'), poolSize: z.number().int().positive() }),
  /** The span is the call that queued, `savedMs` its wait. */
  z.object({ ...PerfFindingFields, kind: z.literal('lock-wait'), family: CallFamilySchema }),
  z.object({
    ...PerfFindingFields,
    kind: z.literal('slow-call'),
    family: CallFamilySchema,
    durationMs: z.number().nonnegative(),
    medianMs: z.number().nonnegative(),
    samples: z.number().int().positive(),
  }),
]);

export const ShowDocumentSchema = z.object({
  schemaVersion: z.literal(SHOW_SCHEMA_VERSION),
  ...SkippedInputsField,
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  startTime: z.string(),
  durationMs: z.number().nonnegative(),
  spanCount: z.number().int().nonnegative(),
  errorCount: z.number().int().nonnegative(),
  services: z.array(z.string()),
  rootSpanIds: z.array(z.string()),
  diagnosis: z.object({ kind: z.enum(['ok', 'failed', 'timed-out']), text: z.string() }).loose(),
  findings: z.array(z.object({ kind: z.string() }).loose()),
  criticalPath: z.array(z.object({ spanId: z.string(), startOffsetMs: z.number(), endOffsetMs: z.number() })),
  spans: z.array(ShowSpanSchema),
  /**
   * The trace's performance anti-patterns, as `otrace perf` finds them in one trace (added to
   * version 1: an additive field). `slow-call` and `lock-wait` are judged against other traces,
   * which `show` does not read: it writes neither today, and would write them in these shapes.
   */
  perfFindings: z.array(ShowPerfFindingSchema),
});

export type ShowDocument = z.infer<typeof ShowDocumentSchema>;
export type ShowSpan = z.infer<typeof ShowSpanSchema>;
export type ShowPerfFinding = z.infer<typeof ShowPerfFindingSchema>;
