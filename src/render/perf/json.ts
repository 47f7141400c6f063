import type { PerfFindingKind } from '../../analysis/perf/perf-findings.js';
import type { PerfReport } from '../../analysis/perf/perf-report.js';
import type { PerfDocument } from '../contracts/perf.js';
import { PERF_SCHEMA_VERSION } from '../contracts/versions.js';
import { roundMillis } from '../format.js';
import { JSON_QUOTE } from '../quote.js';
import { groupText, summaryText } from './words.js';

export interface PerfVerdict {
  readonly failOn: readonly PerfFindingKind[];
  readonly failed: boolean;
}

const share = (value: number) => Math.min(1, Math.round(value * 10_000) / 10_000);

export function buildPerfDocument(report: PerfReport, verdict: PerfVerdict, top: number): PerfDocument {
  return {
    schemaVersion: PERF_SCHEMA_VERSION,
    tracesAnalysed: report.traces,
    failOn: [...verdict.failOn],
    failed: verdict.failed,
    summary: {
      text: summaryText(report, JSON_QUOTE),
      savedMs: roundMillis(report.groups.reduce((n, g) => n + g.savedMs, 0)),
    },
    breakdown: report.breakdown.slice(0, top).map((root) => ({
      service: root.service,
      operation: root.name,
      traces: root.traces,
      p50Ms: roundMillis(root.p50Ms),
      p95Ms: roundMillis(root.p95Ms),
      parts: root.parts.map((part) => ({
        service: part.service,
        operation: part.name,
        totalMs: roundMillis(part.totalMs),
        share: share(part.share),
        p95Ms: roundMillis(part.p95Ms),
        traces: part.traces,
      })),
    })),
    groupsTotal: report.groups.length,
    groups: report.groups.slice(0, top).map((g) => ({
      kind: g.kind,
      service: g.service,
      operation: g.name,
      shape: g.shape,
      family: g.family ?? null,
      text: groupText(g, JSON_QUOTE),
      count: g.count,
      traces: g.traces,
      traceShare: share(g.traceShare),
      calls: g.calls,
      callsPerFinding: { min: g.detail.minCalls ?? 0, max: g.detail.maxCalls ?? 0 },
      savedMs: roundMillis(Math.max(0, g.savedMs)),
      example: {
        traceId: g.worst.traceId,
        spanId: g.worst.spanId,
        savedMs: roundMillis(g.worst.savedMs),
        calls: g.worst.count,
      },
      poolSize: g.detail.poolSize ?? null,
      attemptsMultiplied: g.detail.multiplied ?? null,
      medianMs: g.detail.medianMs === undefined ? null : roundMillis(g.detail.medianMs),
    })),
  };
}
