import { z } from 'zod';
import { PROPAGATION_SEVERITY } from '../../analysis/propagation/findings.js';
import { SkippedInputsField } from './skipped-inputs.js';
import { PROPAGATION_SCHEMA_VERSION } from './versions.js';

/**
 * The contract of `otrace check-propagation --format json`. The zod schema is the source: tests check output against it and
 * `npm run schemas` writes the JSON Schema from it. It lives apart from the renderer, which
 * imports only its types, so that running a command never loads zod.
 */
const kinds = Object.keys(PROPAGATION_SEVERITY) as [
  keyof typeof PROPAGATION_SEVERITY,
  ...(keyof typeof PROPAGATION_SEVERITY)[],
];

/** `check-propagation --format json`: additive changes keep the version, anything else bumps it. */
export const PropagationDocumentSchema = z.object({
  schemaVersion: z.literal(PROPAGATION_SCHEMA_VERSION),
  ...SkippedInputsField,
  tracesAnalysed: z.number().int().nonnegative(),
  spansAnalysed: z.number().int().nonnegative(),
  failOn: z.enum(['error', 'warning', 'info']),
  failed: z.boolean(),
  summary: z.string(),
  edges: z.array(
    z.object({
      caller: z.string(),
      callee: z.string(),
      calls: z.number().int().positive(),
      continued: z.number().int().nonnegative(),
      linked: z.number().int().nonnegative(),
      splitTrace: z.number().int().nonnegative(),
      unanswered: z.number().int().nonnegative(),
      continuedShare: z.number().min(0).max(1),
    }),
  ),
  findings: z.array(
    z
      .object({
        kind: z.enum(kinds),
        severity: z.enum(['error', 'warning', 'info']),
        traceId: z.string().regex(/^[0-9a-f]{32}$/),
        spanId: z.string().regex(/^[0-9a-f]{16}$/),
        service: z.string(),
        operation: z.string(),
        peerService: z.string().nullable(),
        relatedTraceId: z.string().nullable(),
        relatedSpanId: z.string().nullable(),
        message: z.string(),
      })
      .loose(),
  ),
});
export type PropagationDocument = z.infer<typeof PropagationDocumentSchema>;
