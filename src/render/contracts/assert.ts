import { z } from 'zod';
import { SkippedInputsField } from './skipped-inputs.js';
import { ASSERT_SCHEMA_VERSION } from './versions.js';

/**
 * The contract of `otrace assert --format json`. The zod schema is the source: tests check output against it and
 * `npm run schemas` writes the JSON Schema from it. It lives apart from the renderer, which
 * imports only its types, so that running a command never loads zod.
 */
/** `otrace assert --format json`: additive changes keep the version, anything else bumps it. */
export const AssertDocumentSchema = z.object({
  schemaVersion: z.literal(ASSERT_SCHEMA_VERSION),
  ...SkippedInputsField,
  rulesFile: z.string(),
  tracesAnalysed: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  rules: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      status: z.enum(['passed', 'failed']),
      message: z.string(),
      matched: z.number().int().nonnegative(),
      measured: z.record(z.string(), z.union([z.number(), z.string()])),
      evidence: z.array(z.object({ traceId: z.string(), spanId: z.string().nullable(), detail: z.string() })),
    }),
  ),
});
export type AssertDocument = z.infer<typeof AssertDocumentSchema>;
