import type { Nanos, TraceId } from '../../model/types.js';
import { nanos } from '../../model/units.js';
import type { TraceAnalysis } from '../analyze-trace.js';
import { type AlignedPlace, alignTrees } from './align-spans.js';
import {
  comparePlace,
  type DiffChange,
  type DiffThresholds,
  measureSide,
  movedPastNoise,
  type PlaceSide,
  type PlaceState,
  stateOf,
} from './compare-place.js';

/** A place of the aligned trees (align-spans.ts) with each side measured and what changed. */
export interface PlaceDiff {
  readonly place: AlignedPlace;
  readonly state: PlaceState;
  readonly a: PlaceSide | undefined;
  readonly b: PlaceSide | undefined;
  readonly changes: readonly DiffChange[];
  /** More spans fail here in B than in A, or B records an exception A did not. */
  readonly newError: boolean;
  /** A place below this one is not unchanged. */
  readonly changedBelow: boolean;
}

/** One trace as a whole, for the header. */
export interface TraceSide {
  readonly traceId: TraceId;
  readonly start: Nanos;
  readonly end: Nanos;
  readonly spanCount: number;
  readonly failed: number;
  readonly root: { readonly service: string; readonly name: string } | undefined;
  /** The critical path's length: the time the end of the trace waited on (critical-path.ts). */
  readonly criticalPath: Nanos;
}

/** An operation whose time on the critical path moved past the floors. */
export interface CriticalMove {
  readonly service: string;
  readonly name: string;
  readonly a: Nanos;
  readonly b: Nanos;
}

export const DIFF_VERDICTS = ['slower', 'faster', 'same'] as const;
export type DiffVerdict = (typeof DIFF_VERDICTS)[number];

/** What `--fail-on` can name: B slower on the critical path, a new error in B, any change at all. */
export const DIFF_FAIL_ON = ['slower', 'error', 'any'] as const;
export type DiffFailOn = (typeof DIFF_FAIL_ON)[number];

export interface TraceDiff {
  readonly a: TraceSide;
  readonly b: TraceSide;
  readonly thresholds: DiffThresholds;
  /** Indexed like the alignment's places: pre-order. */
  readonly places: readonly PlaceDiff[];
  readonly roots: readonly number[];
  /** B against A on the critical path, past both floors. */
  readonly verdict: DiffVerdict;
  /** Largest move first (either way); only moves past the absolute floor. */
  readonly moves: readonly CriticalMove[];
  readonly counts: Readonly<Record<PlaceState, number>>;
}

/**
 * What changed from trace A to trace B: their spans aligned by path (align-spans.ts), each place
 * compared (compare-place.ts), and the critical paths of both set side by side, operation by
 * operation. Pure: the analyses are not modified.
 */
export function diffTraces(a: TraceAnalysis, b: TraceAnalysis, thresholds: DiffThresholds): TraceDiff {
  const alignment = alignTrees(a.tree, b.tree);
  const compared = alignment.places.map((place) => {
    const sideA = measureSide(place.a, a);
    const sideB = measureSide(place.b, b);
    const changes = comparePlace(place, sideA, sideB, thresholds);
    return {
      place,
      state: stateOf(sideA, sideB, changes),
      a: sideA,
      b: sideB,
      changes,
      newError:
        (sideB?.failed ?? 0) > (sideA?.failed ?? 0) ||
        changes.some((c) => c.kind === 'exception' && c.direction === 'new'),
    };
  });
  // Reverse pre-order: every place is settled before its parent hears of it.
  const changedBelow = new Array<boolean>(compared.length).fill(false);
  for (let i = compared.length - 1; i >= 0; i--) {
    const parent = compared[i]!.place.parent;
    if (parent !== undefined && (changedBelow[i] || compared[i]!.state !== 'unchanged'))
      changedBelow[parent] = true;
  }
  const places = compared.map((p, i) => ({ ...p, changedBelow: changedBelow[i]! }));
  const sideA = describeTrace(a);
  const sideB = describeTrace(b);
  const counts = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const p of places) counts[p.state]++;
  return {
    a: sideA,
    b: sideB,
    thresholds,
    places,
    roots: alignment.roots,
    verdict: judge(sideA.criticalPath, sideB.criticalPath, thresholds),
    moves: criticalMoves(a, b, thresholds),
    counts,
  };
}

function judge(a: Nanos, b: Nanos, thresholds: DiffThresholds): DiffVerdict {
  if (!movedPastNoise(a, b, thresholds)) return 'same';
  return b > a ? 'slower' : 'faster';
}

function describeTrace(analysis: TraceAnalysis): TraceSide {
  const { tree, facts, criticalPath } = analysis;
  const root = tree.roots[0]?.span;
  let critical = 0n;
  for (const section of criticalPath) critical += section.end - section.start;
  return {
    traceId: tree.traceId,
    start: tree.start,
    end: tree.end,
    spanCount: tree.nodes.length,
    failed: facts.filter((f) => f.failed).length,
    root: root === undefined ? undefined : { service: root.service, name: root.name },
    criticalPath: nanos(critical),
  };
}

/**
 * Each operation's (service and span name) time on the critical path in A and in B, wherever in
 * the tree it ran: the operations that grew or shrank most, past the absolute floor.
 */
function criticalMoves(a: TraceAnalysis, b: TraceAnalysis, thresholds: DiffThresholds): CriticalMove[] {
  const byOperation = new Map<string, { service: string; name: string; a: bigint; b: bigint }>();
  const add = (analysis: TraceAnalysis, side: 'a' | 'b') => {
    for (const section of analysis.criticalPath) {
      const { service, name } = section.node.span;
      const key = `${service}\u0000${name}`;
      let move = byOperation.get(key);
      if (!move) {
        move = { service, name, a: 0n, b: 0n };
        byOperation.set(key, move);
      }
      move[side] += section.end - section.start;
    }
  };
  add(a, 'a');
  add(b, 'b');
  const size = (m: { a: bigint; b: bigint }) => (m.b > m.a ? m.b - m.a : m.a - m.b);
  return [...byOperation.values()]
    .filter((m) => size(m) >= thresholds.minDelta && m.a !== m.b)
    .sort((x, y) => {
      const dx = size(x);
      const dy = size(y);
      if (dx !== dy) return dx > dy ? -1 : 1;
      return x.service === y.service ? compare(x.name, y.name) : compare(x.service, y.service);
    })
    .map((m) => ({ service: m.service, name: m.name, a: nanos(m.a), b: nanos(m.b) }));
}

const compare = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** Whether the diff shows what `failOn` names (`--fail-on`): the run then exits 1. */
export function failsOn(diff: TraceDiff, failOn: readonly DiffFailOn[]): boolean {
  const shows = {
    slower: () => diff.verdict === 'slower',
    error: () => diff.places.some((p) => p.newError),
    any: () => diff.verdict !== 'same' || diff.places.some((p) => p.state !== 'unchanged'),
  } satisfies Record<DiffFailOn, () => boolean>;
  return failOn.some((condition) => shows[condition]());
}
