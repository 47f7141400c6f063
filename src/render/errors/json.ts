import type { ErrorReport } from '../../analysis/group-errors.js';
import { nanosToMillis } from '../../model/units.js';
import type { ErrorsDocument } from '../contracts/errors.js';
import { ERRORS_SCHEMA_VERSION } from '../contracts/versions.js';
import { isoTime, roundMillis } from '../format.js';
import { JSON_QUOTE } from '../quote.js';
import { summaryText } from './words.js';

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
      text: summaryText(report, verdict.failingSpans, JSON_QUOTE),
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
