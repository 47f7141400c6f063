import { z } from 'zod';
import { PERF_FINDING_KINDS } from '../../analysis/perf/perf-findings.js';
import { SkippedInputsField } from './skipped-inputs.js';
import { PERF_SCHEMA_VERSION } from './versions.js';

/**
 * The contract of `otrace perf --format json`. The zod schema is the source: tests check output
 * against it and `npm run schemas` writes the JSON Schema from it.
 */
export const PerfDocumentSchema = z.object({
  schemaVersion: z.literal(PERF_SCHEMA_VERSION),
  ...SkippedInputsField,
  tracesAnalysed: z.number().int().nonnegative(),
  /** The kinds that fail the run (`--fail-on`); empty: none does. */
  failOn: z.array(z.enum(PERF_FINDING_KINDS)),
  failed: z.boolean(),
  summary: z.object({ text: z.string(), savedMs: z.number().nonnegative() }),
  /** Per root operation: the operations its traces' critical paths spend their time in. */
  breakdown: z.array(
    z.object({
      service: z.string(),
      operation: z.string(),
      traces: z.number().int().positive(),
      p50Ms: z.number().nonnegative(),
      p95Ms: z.number().nonnegative(),
      parts: z.array(
        z.object({
          service: z.string(),
          operation: z.string(),
          totalMs: z.number().nonnegative(),
          /** Of the root operation's time, summed over its traces. */
          share: z.number().min(0).max(1),
          p95Ms: z.number().nonnegative(),
          traces: z.number().int().positive(),
        }),
      ),
    }),
  ),
  groupsTotal: z.number().int().nonnegative(),
  /** Findings of one kind, in one operation, on one shape; largest saving first. */
  groups: z.array(
    z.object({
      kind: z.enum(PERF_FINDING_KINDS),
      service: z.string(),
      operation: z.string(),
      shape: z.string(),
      family: z.enum(['db', 'http', 'rpc', 'call']).nullable(),
      text: z.string(),
      count: z.number().int().positive(),
      traces: z.number().int().positive(),
      traceShare: z.number().min(0).max(1),
      calls: z.number().int().nonnegative(),
      /** The fewest and most calls one finding names. */
      callsPerFinding: z.object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() }),
      savedMs: z.number().nonnegative(),
      /** The finding that would save most: a trace and the span that made the calls. */
      example: z.object({
        traceId: z.string(),
        spanId: z.string(),
        savedMs: z.number(),
        calls: z.number().int(),
      }),
      poolSize: z.number().int().positive().nullable(),
      attemptsMultiplied: z.number().int().positive().nullable(),
      medianMs: z.number().nonnegative().nullable(),
    }),
  ),
});

export type PerfDocument = z.infer<typeof PerfDocumentSchema>;
