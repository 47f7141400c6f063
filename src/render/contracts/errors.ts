import { z } from 'zod';
import { ERROR_CLASSES } from '../../analysis/error-records.js';
import { GROUP_BY } from '../../analysis/group-errors.js';
import { SkippedInputsField } from './skipped-inputs.js';
import { ERRORS_SCHEMA_VERSION } from './versions.js';

/**
 * The contract of `otrace errors --format json`. The zod schema is the source: tests check output against it and
 * `npm run schemas` writes the JSON Schema from it. It lives apart from the renderer, which
 * imports only its types, so that running a command never loads zod.
 */
const PointSchema = z.object({
  service: z.string(),
  operation: z.string(),
  errorType: z.string(),
  peer: z.string().nullable(),
});

/** `otrace errors --format json`: additive changes keep the version, anything else bumps it. */
export const ErrorsDocumentSchema = z.object({
  schemaVersion: z.literal(ERRORS_SCHEMA_VERSION),
  ...SkippedInputsField,
  service: z.string().nullable(),
  groupBy: z.enum(GROUP_BY),
  tracesAnalysed: z.number().int().nonnegative(),
  tracesWithErrors: z.number().int().nonnegative(),
  errorSpans: z.number().int().nonnegative(),
  failOn: z.enum(['any', 'origin']),
  maxErrors: z.number().int().nonnegative(),
  /** Failing spans at or above `failOn`; the run fails when there are more than `maxErrors`. */
  failingSpans: z.number().int().nonnegative(),
  failed: z.boolean(),
  summary: z.object({
    text: z.string(),
    topOrigin: PointSchema.extend({
      traces: z.number().int().positive(),
      failingTraces: z.number().int().positive(),
    }).nullable(),
  }),
  groupsTotal: z.number().int().nonnegative(),
  groups: z.array(
    z.object({
      service: z.string().nullable(),
      operation: z.string().nullable(),
      errorType: z.string().nullable(),
      message: z.string().nullable(),
      class: z.enum(ERROR_CLASSES),
      where: z.enum(['in-service', 'downstream']).nullable(),
      count: z.number().int().positive(),
      traces: z.number().int().positive(),
      traceShare: z.number().min(0).max(1),
      timedOut: z.number().int().nonnegative(),
      firstSeen: z.string(),
      lastSeen: z.string(),
      p50Ms: z.number().nonnegative(),
      maxMs: z.number().nonnegative(),
      origin: PointSchema.extend({ count: z.number().int().positive() }).nullable(),
      examples: z.array(z.string().regex(/^[0-9a-f]{32}$/)).min(1),
    }),
  ),
});
export type ErrorsDocument = z.infer<typeof ErrorsDocumentSchema>;
