import type { DiffChange, PlaceSide } from '../../analysis/diff/compare-place.js';
import type { DiffFailOn, PlaceDiff, TraceDiff, TraceSide } from '../../analysis/diff/diff-traces.js';
import { nanosToMillis } from '../../model/units.js';
import type { DiffDocument, DiffPlace } from '../contracts/diff.js';
import { DIFF_SCHEMA_VERSION } from '../contracts/versions.js';
import { isoTime, roundMillis } from '../format.js';
import { JSON_QUOTE } from '../quote.js';
import { changeText, ratioOf, summaryText } from './words.js';

export interface DiffVerdictOptions {
  readonly failOn: readonly DiffFailOn[];
  readonly failed: boolean;
}

const ms = (value: bigint) => roundMillis(nanosToMillis(value));
const ratio = (a: bigint, b: bigint) => {
  const r = ratioOf(a, b);
  return r === undefined ? null : Math.round(r * 1000) / 1000;
};

export function buildDiffDocument(diff: TraceDiff, verdict: DiffVerdictOptions): DiffDocument {
  const { a, b } = diff;
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    a: traceSide(a),
    b: traceSide(b),
    thresholds: { minRatio: diff.thresholds.minRatio, minDeltaMs: ms(diff.thresholds.minDelta) },
    failOn: [...verdict.failOn],
    failed: verdict.failed,
    summary: {
      text: summaryText(diff, JSON_QUOTE),
      verdict: diff.verdict,
      deltaMs: ms(b.criticalPath - a.criticalPath),
      ratio: ratio(a.criticalPath, b.criticalPath),
    },
    counts: { ...diff.counts, newErrors: diff.places.filter((p) => p.newError).length },
    criticalPath: diff.moves.map((m) => ({
      service: m.service,
      operation: m.name,
      aMs: ms(m.a),
      bMs: ms(m.b),
      deltaMs: ms(m.b - m.a),
    })),
    places: diff.places.map(placeOf),
  };
}

/** One place as the document gives it: also each NDJSON line. */
export function placeOf(diff: PlaceDiff): DiffPlace {
  const { place } = diff;
  return {
    index: place.index,
    parentIndex: place.parent ?? null,
    depth: place.depth,
    service: place.service,
    operation: place.name,
    state: diff.state,
    newError: diff.newError,
    a: placeSide(diff.a, place.a),
    b: placeSide(diff.b, place.b),
    changes: diff.changes.map(changeOf),
  };
}

function traceSide(side: TraceSide): DiffDocument['a'] {
  return {
    traceId: side.traceId,
    startTime: isoTime(side.start),
    durationMs: ms(side.end - side.start),
    criticalPathMs: ms(side.criticalPath),
    spanCount: side.spanCount,
    failedSpans: side.failed,
    rootService: side.root?.service ?? null,
    rootName: side.root?.name ?? null,
  };
}

function placeSide(
  side: PlaceSide | undefined,
  spans: readonly { readonly span: { readonly spanId: string } }[],
): DiffPlace['a'] {
  if (side === undefined) return null;
  return {
    count: side.count,
    durationMs: ms(side.duration),
    criticalPathMs: ms(side.critical),
    failedSpans: side.failed,
    orphanSpans: side.orphans,
    calls: { ...side.calls },
    callees: [...side.callees],
    spanIds: spans.map((node) => node.span.spanId),
  };
}

function changeOf(change: DiffChange): DiffPlace['changes'][number] {
  const text = changeText(change, JSON_QUOTE);
  switch (change.kind) {
    case 'renamed':
      return { kind: 'renamed', service: change.service, operation: change.name, text };
    case 'duration':
      return {
        kind: 'duration',
        aMs: ms(change.a),
        bMs: ms(change.b),
        deltaMs: ms(change.b - change.a),
        ratio: ratio(change.a, change.b),
        text,
      };
    case 'count':
      return { kind: 'count', a: change.a, b: change.b, text };
    case 'status':
      return { kind: 'status', aFailed: change.a, bFailed: change.b, text };
    case 'exception':
      return {
        kind: 'exception',
        direction: change.direction,
        type: change.type,
        message: change.message,
        spanId: change.spanId,
        text,
      };
    case 'propagation':
      return {
        kind: 'propagation',
        direction: change.direction,
        callee: change.callee,
        peer: change.peer ?? null,
        text,
      };
  }
}
