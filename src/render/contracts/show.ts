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
});

export type ShowDocument = z.infer<typeof ShowDocumentSchema>;
export type ShowSpan = z.infer<typeof ShowSpanSchema>;
