import { z } from 'zod';
import { PLACE_STATES } from '../../analysis/diff/compare-place.js';
import { DIFF_FAIL_ON, DIFF_VERDICTS } from '../../analysis/diff/diff-traces.js';
import { SkippedInputsField } from './skipped-inputs.js';
import { DIFF_SCHEMA_VERSION } from './versions.js';

/**
 * The contract of `otrace diff --format json`. The zod schema is the source: tests check output
 * against it and `npm run schemas` writes the JSON Schema from it. It lives apart from the
 * renderer, which imports only its types, so that running a command never loads zod.
 */
const SpanIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

/** One trace as a whole. */
const TraceSideSchema = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  startTime: z.string(),
  durationMs: z.number().nonnegative(),
  /** The length of its critical path: what the end of the trace waited on. */
  criticalPathMs: z.number().nonnegative(),
  spanCount: z.number().int().nonnegative(),
  failedSpans: z.number().int().nonnegative(),
  rootService: z.string().nullable(),
  rootName: z.string().nullable(),
});

/** One side of a place: its spans (same-named siblings in order, the i-th of A beside the i-th of B) added up. */
const PlaceSideSchema = z.object({
  count: z.number().int().positive(),
  durationMs: z.number().nonnegative(),
  criticalPathMs: z.number().nonnegative(),
  failedSpans: z.number().int().nonnegative(),
  orphanSpans: z.number().int().nonnegative(),
  /** CLIENT/PRODUCER calls (not to a database) continued by a SERVER/CONSUMER span in the trace, and not. */
  calls: z.object({ continued: z.number().int().nonnegative(), uncontinued: z.number().int().nonnegative() }),
  callees: z.array(z.string()),
  spanIds: z.array(SpanIdSchema),
});

const WithText = { text: z.string() };

const ChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('renamed'), service: z.string(), operation: z.string(), ...WithText }),
  z.object({
    kind: z.literal('duration'),
    aMs: z.number().nonnegative(),
    bMs: z.number().nonnegative(),
    deltaMs: z.number(),
    ratio: z.number().nonnegative().nullable(),
    ...WithText,
  }),
  z.object({ kind: z.literal('count'), a: z.number().int(), b: z.number().int(), ...WithText }),
  /** Failing spans in A and in B. */
  z.object({
    kind: z.literal('status'),
    aFailed: z.number().int().nonnegative(),
    bFailed: z.number().int().nonnegative(),
    ...WithText,
  }),
  z.object({
    kind: z.literal('exception'),
    direction: z.enum(['new', 'lost']),
    type: z.string(),
    message: z.string(),
    spanId: SpanIdSchema,
    ...WithText,
  }),
  z.object({
    kind: z.literal('propagation'),
    direction: z.enum(['gained', 'lost']),
    callee: z.string(),
    peer: z.string().nullable(),
    ...WithText,
  }),
]);

export const DiffPlaceSchema = z.object({
  index: z.number().int().nonnegative(),
  parentIndex: z.number().int().nonnegative().nullable(),
  depth: z.number().int().nonnegative(),
  service: z.string(),
  operation: z.string(),
  state: z.enum(PLACE_STATES),
  /** More spans fail here in B than in A, or B records an exception A did not. */
  newError: z.boolean(),
  a: PlaceSideSchema.nullable(),
  b: PlaceSideSchema.nullable(),
  changes: z.array(ChangeSchema),
});

export const DiffDocumentSchema = z.object({
  schemaVersion: z.literal(DIFF_SCHEMA_VERSION),
  ...SkippedInputsField,
  a: TraceSideSchema,
  b: TraceSideSchema,
  thresholds: z.object({ minRatio: z.number().min(1), minDeltaMs: z.number().nonnegative() }),
  /** What fails the run (`--fail-on`); empty: nothing does. */
  failOn: z.array(z.enum(DIFF_FAIL_ON)),
  failed: z.boolean(),
  summary: z.object({
    text: z.string(),
    /** B against A on the critical path, past both floors. */
    verdict: z.enum(DIFF_VERDICTS),
    deltaMs: z.number(),
    ratio: z.number().nonnegative().nullable(),
  }),
  counts: z.object({
    added: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    newErrors: z.number().int().nonnegative(),
  }),
  /** Operations whose time on the critical path moved past the absolute floor, largest move first. */
  criticalPath: z.array(
    z.object({
      service: z.string(),
      operation: z.string(),
      aMs: z.number().nonnegative(),
      bMs: z.number().nonnegative(),
      deltaMs: z.number(),
    }),
  ),
  /** The aligned places in tree order (a parent before its children). */
  places: z.array(DiffPlaceSchema),
});

export type DiffDocument = z.infer<typeof DiffDocumentSchema>;
export type DiffPlace = z.infer<typeof DiffPlaceSchema>;
