import { z } from 'zod';
import { SkippedInputsField } from './skipped-inputs.js';
import { LIST_SCHEMA_VERSION } from './versions.js';

/**
 * The contract of `otrace list --format json`. The zod schema is the source: tests check output against it and
 * `npm run schemas` writes the JSON Schema from it. It lives apart from the renderer, which
 * imports only its types, so that running a command never loads zod.
 */
export const ListDocumentSchema = z.object({
  schemaVersion: z.literal(LIST_SCHEMA_VERSION),
  ...SkippedInputsField,
  traces: z.array(
    z.object({
      traceId: z.string().regex(/^[0-9a-f]{32}$/),
      startTime: z.string(),
      durationMs: z.number().nonnegative(),
      spanCount: z.number().int().positive(),
      errorCount: z.number().int().nonnegative(),
      rootService: z.string(),
      rootName: z.string(),
      rootMissing: z.boolean(),
      services: z.array(z.string()),
    }),
  ),
});

export type ListDocument = z.infer<typeof ListDocumentSchema>;
