import { z } from 'zod';
import { BUBBLE_UP_SCOPES } from '../../analysis/compare/bubble-up-facts.js';
import { METRIC_FINDING_KINDS, PRESENCE_FINDING_KINDS } from '../../analysis/compare/compare-findings.js';
import { ERROR_CLASSES } from '../../analysis/error-records.js';
import { PERF_FINDING_KINDS } from '../../analysis/perf/perf-findings.js';
import { PROPAGATION_SEVERITY } from '../../analysis/propagation/findings.js';
import { SkippedInputsField } from './skipped-inputs.js';
import { COMPARE_FAIL_ON, COMPARE_ROW_VERDICTS, COMPARE_SCHEMA_VERSION } from './versions.js';

/**
 * The contract of `otrace compare --format json`, both modes in one document told apart by `mode`:
 * `baseline` (a candidate run against a baseline run) and `where` (BubbleUp: a selection of traces
 * against the rest). The zod schema is the source: tests check output against it and
 * `npm run schemas` writes the JSON Schema from it; the renderer imports only its types.
 *
 * Trace ids named `traceId` or `examples` are the candidate's (the run `otrace show` reads);
 * the baseline's are `baselineExamples` and `slowestTraceId`.
 */
const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);
const ms = z.number().nonnegative();
const propagationKinds = Object.keys(PROPAGATION_SEVERITY) as [
  keyof typeof PROPAGATION_SEVERITY,
  ...(keyof typeof PROPAGATION_SEVERITY)[],
];

/** What is compared: an operation, a caller's operation → the callee's, or → a peer no traced service answered. */
const SubjectFields = {
  scope: z.enum(['operation', 'edge', 'peer-edge']),
  service: z.string(),
  operation: z.string(),
  callee: z.object({ service: z.string(), operation: z.string() }).nullable(),
  peer: z.string().nullable(),
};

/** One operation's or edge's numbers in one run; percentiles by nearest rank, over a sample past 2,000 calls (`sampled`). */
const RunNumbersSchema = z.object({
  traces: count,
  traceShare: share,
  calls: count,
  callsPerTrace: z.object({ median: ms, mean: ms }),
  p50Ms: ms,
  p95Ms: ms,
  maxMs: ms,
  meanMs: ms,
  errors: count,
  /** Of the calls. */
  errorRate: share,
  /** Traces with a failed call, and their share: what the error-rate test compares. */
  failingTraces: count,
  failingShare: share,
  slowestTraceId: z.string(),
  slowestSpanId: z.string(),
  slowestMs: ms,
  sampled: z.boolean(),
});

/** A one-sided test; `adjustedPValue` after Holm's correction, null where it could not reach the level. */
const TestSchema = z.object({ pValue: share, adjustedPValue: share.nullable() }).nullable();
const JudgedFields = {
  verdict: z.enum(['regression', 'improvement', 'unchanged', 'too-few-samples']),
  worse: TestSchema,
  better: TestSchema,
};

const RowSchema = z.object({
  ...SubjectFields,
  presence: z.enum(['both', 'new', 'vanished']),
  verdict: z.enum(COMPARE_ROW_VERDICTS),
  baseline: RunNumbersSchema.nullable(),
  candidate: RunNumbersSchema.nullable(),
  /** Per-trace mean durations: medians, and the Hodges–Lehmann shift with its interval at the confidence. */
  duration: z
    .object({
      ...JudgedFields,
      baselineMedianMs: ms,
      candidateMedianMs: ms,
      shiftMs: z.number(),
      lowMs: z.number(),
      highMs: z.number(),
      shiftShare: z.number(),
    })
    .nullable(),
  /** Median calls per trace, among the traces with a call. */
  calls: z
    .object({ ...JudgedFields, baselineMedian: ms, candidateMedian: ms, change: z.number() })
    .nullable(),
  /** Shares of the traces with a call in which one failed. */
  errorRate: z
    .object({ ...JudgedFields, baselineShare: share, candidateShare: share, change: z.number() })
    .nullable(),
});

const FindingSchema = z.object({
  kind: z.enum([...METRIC_FINDING_KINDS, ...PRESENCE_FINDING_KINDS]),
  ...SubjectFields,
  text: z.string(),
  /** Candidate − baseline: ms of shift, median calls per trace, or share of traces failing; null for new and vanished. */
  effect: z.number().nullable(),
  effectShare: z.number().nullable(),
  interval: z.object({ lowMs: z.number(), highMs: z.number() }).nullable(),
  pValue: share.nullable(),
  adjustedPValue: share.nullable(),
  baseline: RunNumbersSchema.nullable(),
  candidate: RunNumbersSchema.nullable(),
  /** The candidate's slowest call, for `otrace show`; null for what vanished. */
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
});

const Counted = z.object({ count, traces: count });

/**
 * Fisher's one-sided test on the traces that have it (against none of the other run's, or the
 * baseline's share), Holm-adjusted over its list; `beyondNoise`: it holds at the confidence.
 */
const TestedFields = { adjustedPValue: share, beyondNoise: z.boolean() };

const ErrorGroupSchema = z.object({
  class: z.enum(ERROR_CLASSES),
  where: z.enum(['in-service', 'downstream']).nullable(),
  service: z.string().nullable(),
  operation: z.string().nullable(),
  errorType: z.string().nullable(),
  message: z.string().nullable(),
  baseline: Counted,
  candidate: Counted,
  examples: z.array(z.string()),
  baselineExamples: z.array(z.string()),
  ...TestedFields,
});

const PerfGroupSchema = z.object({
  kind: z.enum(PERF_FINDING_KINDS),
  service: z.string(),
  operation: z.string(),
  shape: z.string(),
  text: z.string(),
  baseline: Counted.extend({ perTrace: ms }),
  candidate: Counted.extend({ perTrace: ms }),
  ...TestedFields,
  example: z.object({
    traceId: z.string(),
    spanId: z.string(),
    savedMs: z.number(),
    calls: z.number().int(),
  }),
});

const EdgeNumbers = z.object({ calls: count, continued: count, linked: count, continuedShare: share });

export const CompareBaselineDocumentSchema = z.object({
  schemaVersion: z.literal(COMPARE_SCHEMA_VERSION),
  mode: z.literal('baseline'),
  ...SkippedInputsField,
  baseline: z.object({ traces: count }),
  candidate: z.object({ traces: count }),
  thresholds: z.object({
    confidence: z.number().gt(0).lt(1),
    minSamples: count,
    duration: z.object({ minShare: z.number().nonnegative(), minMs: ms }),
    calls: z.object({ minIncrease: z.number().nonnegative(), minShare: z.number().nonnegative() }),
    errorRate: z.object({ minIncrease: share }),
  }),
  /** Tests in each family, among which Holm's correction divided the level. */
  tested: z.object({ worse: count, better: count }),
  failOn: z.array(z.enum(COMPARE_FAIL_ON)),
  failed: z.boolean(),
  summary: z.object({
    text: z.string(),
    verdict: z.enum(['regression', 'no-regression']),
    regressions: count,
    improvements: count,
    /** Operations and edges (peer edges too) in both runs with enough samples to be tested. */
    compared: z.object({ operations: count, edges: count }),
    tooFewSamples: count,
  }),
  /** Regressions (strongest evidence first), improvements, then what appeared and what vanished. */
  findings: z.array(FindingSchema),
  rowsTotal: count,
  /** Every operation and edge of either run: regressions first, then improvements, new, vanished, unchanged. */
  rows: z.array(RowSchema),
  /** Error groups (class, where, service, operation, error type, normalised message) in one run only. */
  errors: z.object({ new: z.array(ErrorGroupSchema), vanished: z.array(ErrorGroupSchema) }),
  /** Performance finding groups (kind, service, operation, shape) new in the candidate, or in more of its traces. */
  perf: z.object({ new: z.array(PerfGroupSchema), grown: z.array(PerfGroupSchema) }),
  propagation: z.object({
    /** Findings whose (kind, service, peer) the baseline did not have. */
    new: z.array(
      z.object({
        kind: z.enum(propagationKinds),
        service: z.string(),
        peer: z.string().nullable(),
        count: z.number().int().positive(),
        traces: z.number().int().positive(),
        ...TestedFields,
        message: z.string(),
        traceId: z.string(),
        spanId: z.string(),
      }),
    ),
    /** Caller → callee pairs whose calls continued the trace less often (Fisher, Holm-adjusted). */
    droppedEdges: z.array(
      z.object({
        caller: z.string(),
        callee: z.string(),
        baseline: EdgeNumbers,
        candidate: EdgeNumbers,
        adjustedPValue: share,
      }),
    ),
  }),
});

const ShareSchema = z.object({ traces: count, share });

const BubbleUpRowSchema = z.object({
  scope: z.enum(BUBBLE_UP_SCOPES),
  key: z.string(),
  /** A text, a number, a range of numbers (`from` ≤ x < `to`, null where open), or the key absent. */
  value: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    z.object({ kind: z.literal('number'), number: z.number() }),
    z.object({ kind: z.literal('range'), from: z.number().nullable(), to: z.number().nullable() }),
    z.object({ kind: z.literal('missing') }),
  ]),
  /** Which group has the value more. */
  moreIn: z.enum(['selection', 'rest']),
  selection: ShareSchema,
  rest: ShareSchema,
  difference: z.number().min(-1).max(1),
  /** Fisher's exact test, two-sided, before the correction for the rows tested. */
  pValue: share,
});

export const CompareWhereDocumentSchema = z.object({
  schemaVersion: z.literal(COMPARE_SCHEMA_VERSION),
  mode: z.literal('where'),
  ...SkippedInputsField,
  where: z.string(),
  selection: z.object({ traces: count }),
  rest: z.object({ traces: count }),
  summary: z.object({ text: z.string() }),
  /** Values tested: the Bonferroni correction's count. */
  tested: count,
  rowsTotal: count,
  /** The values the selection has more, largest difference first, then those the rest has more. */
  rows: z.array(BubbleUpRowSchema),
  /** Keys whose values could not all be compared: too many values, ids, values not kept. */
  highCardinality: z.array(
    z.object({
      scope: z.enum(BUBBLE_UP_SCOPES),
      key: z.string(),
      traces: count,
      reason: z.enum(['many-values', 'unique-values', 'unusable-values']),
    }),
  ),
  keysCapped: z.boolean(),
});

export const CompareDocumentSchema = z.discriminatedUnion('mode', [
  CompareBaselineDocumentSchema,
  CompareWhereDocumentSchema,
]);

export type CompareDocument = z.infer<typeof CompareDocumentSchema>;
export type CompareBaselineDocument = z.infer<typeof CompareBaselineDocumentSchema>;
export type CompareWhereDocument = z.infer<typeof CompareWhereDocumentSchema>;
export type CompareRowJson = z.infer<typeof RowSchema>;
export type BubbleUpRowJson = z.infer<typeof BubbleUpRowSchema>;
