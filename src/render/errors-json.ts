import { z } from 'zod';
import { ERROR_CLASSES } from '../analysis/error-records.js';
import type { ErrorReport } from '../analysis/group-errors.js';
import { GROUP_BY } from '../analysis/group-errors.js';
import { nanosToMillis } from '../model/units.js';
import { summaryText } from './errors-words.js';
import { isoTime, roundMillis } from './format.js';

export const ERRORS_SCHEMA_VERSION = 1;

const PointSchema = z.object({
  service: z.string(),
  operation: z.string(),
  errorType: z.string(),
  peer: z.string().nullable(),
});

/** `otrace errors --format json`: additive changes keep the version, anything else bumps it. */
export const ErrorsDocumentSchema = z.object({
  schemaVersion: z.literal(ERRORS_SCHEMA_VERSION),
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

export interface ErrorsVerdict {
  readonly failOn: 'any' | 'origin';
  readonly maxErrors: number;
  readonly failingSpans: number;
  readonly failed: boolean;
}

export function buildErrorsDocument(
  report: ErrorReport,
  verdict: ErrorsVerdict,
  top: number,
): ErrorsDocument {
  const top1 = report.topOrigin;
  const doc: ErrorsDocument = {
    schemaVersion: ERRORS_SCHEMA_VERSION,
    service: report.service ?? null,
    groupBy: report.groupBy,
    tracesAnalysed: report.tracesAnalysed,
    tracesWithErrors: report.tracesWithErrors,
    errorSpans: report.errorSpans,
    ...verdict,
    summary: {
      text: summaryText(report, verdict.failingSpans),
      topOrigin: top1
        ? {
            ...top1.point,
            peer: top1.point.peer ?? null,
            traces: top1.traces,
            failingTraces: top1.failingTraces,
          }
        : null,
    },
    groupsTotal: report.groups.length,
    groups: report.groups.slice(0, top).map((g) => ({
      service: g.service ?? null,
      operation: g.operation ?? null,
      errorType: g.errorType ?? null,
      message: g.message ?? null,
      class: g.errorClass,
      where: g.where ?? null,
      count: g.count,
      traces: g.traces,
      traceShare: Math.round((g.traces / Math.max(report.tracesAnalysed, 1)) * 10_000) / 10_000,
      timedOut: g.timedOut,
      firstSeen: isoTime(g.firstSeen),
      lastSeen: isoTime(g.lastSeen),
      p50Ms: roundMillis(nanosToMillis(g.p50)),
      maxMs: roundMillis(nanosToMillis(g.max)),
      origin: g.origin ? { ...g.origin, peer: g.origin.peer ?? null } : null,
      examples: [...g.examples],
    })),
  };
  return doc;
}
