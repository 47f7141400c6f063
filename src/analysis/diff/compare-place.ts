import type { Nanos, SpanNode } from '../../model/types.js';
import { nanos, spanDuration } from '../../model/units.js';
import type { TraceAnalysis } from '../analyze-trace.js';
import { normalizeMessage } from '../normalize-message.js';
import { isDatabaseCall, peerOf } from '../peers.js';
import type { AlignedPlace } from './align-spans.js';

/** How far a duration must move to count as a change: both floors, so that jitter does not. */
export interface DiffThresholds {
  /** The longer over the shorter, at least (1.2: 20% longer). */
  readonly minRatio: number;
  /** The difference, at least. */
  readonly minDelta: Nanos;
}

export const DEFAULT_THRESHOLDS: DiffThresholds = { minRatio: 1.2, minDelta: nanos(5_000_000n) };

/** One side of a place: its spans added up. */
export interface PlaceSide {
  readonly count: number;
  /** The spans' durations, summed. */
  readonly duration: Nanos;
  /** The time the spans themselves held the critical path, summed. */
  readonly critical: Nanos;
  /** Spans that failed (error or timeout). */
  readonly failed: number;
  /** Spans whose parent is missing from the trace. */
  readonly orphans: number;
  /** Distinct exceptions, the first span to record each. */
  readonly exceptions: readonly SeenException[];
  /** CLIENT/PRODUCER spans to something other than a database, and what became of them. */
  readonly calls: { readonly continued: number; readonly uncontinued: number };
  /** The services whose SERVER/CONSUMER spans continued those calls in this trace. */
  readonly callees: readonly string[];
  /** Whom the first call named (peers.ts), for the wording. */
  readonly peer: string | undefined;
}

export interface SeenException {
  readonly type: string;
  readonly message: string;
  readonly spanId: string;
  /** Type and message with its values taken out (normalize-message.ts): the same error in both. */
  readonly key: string;
}

/** What changed at a place, as data: the wording is render/diff/words.ts's. */
export type DiffChange =
  | { readonly kind: 'renamed'; readonly service: string; readonly name: string }
  | { readonly kind: 'duration'; readonly a: Nanos; readonly b: Nanos }
  | { readonly kind: 'count'; readonly a: number; readonly b: number }
  /** Failing spans, A and B: ok → error is 0 → 1. */
  | { readonly kind: 'status'; readonly a: number; readonly b: number }
  | {
      readonly kind: 'exception';
      readonly direction: 'new' | 'lost';
      readonly type: string;
      readonly message: string;
      readonly spanId: string;
    }
  | {
      readonly kind: 'propagation';
      readonly direction: 'gained' | 'lost';
      /** The service that continued the calls in one trace and not in the other. */
      readonly callee: string;
      readonly peer: string | undefined;
    };

export const PLACE_STATES = ['added', 'removed', 'changed', 'unchanged'] as const;
export type PlaceState = (typeof PLACE_STATES)[number];

/** The side of a place in one trace, from that trace's analysis. */
export function measureSide(spans: readonly SpanNode[], analysis: TraceAnalysis): PlaceSide | undefined {
  if (spans.length === 0) return undefined;
  let duration = 0n;
  let critical = 0n;
  let failed = 0;
  let orphans = 0;
  let continued = 0;
  let uncontinued = 0;
  let peer: string | undefined;
  const exceptions = new Map<string, SeenException>();
  const callees = new Set<string>();
  for (const node of spans) {
    const { span } = node;
    const facts = analysis.facts[node.index]!;
    duration += spanDuration(span);
    critical += analysis.criticalTimes[node.index]!;
    if (facts.failed) failed++;
    if (node.parentMissing) orphans++;
    for (const e of facts.exceptions) {
      const key = `${e.type}\u0000${normalizeMessage(e.message.split(/\r?\n/)[0] ?? '')}`;
      if (!exceptions.has(key))
        exceptions.set(key, { type: e.type, message: e.message, spanId: span.spanId, key });
    }
    if ((span.kind !== 'client' && span.kind !== 'producer') || isDatabaseCall(span)) continue;
    peer ??= peerOf(span);
    // As check-propagation counts a call continued: a SERVER/CONSUMER child in the same trace.
    const answers = node.children.filter((c) => c.span.kind === 'server' || c.span.kind === 'consumer');
    if (answers.length === 0) uncontinued++;
    else continued++;
    for (const answer of answers) callees.add(answer.span.service);
  }
  return {
    count: spans.length,
    duration: nanos(duration),
    critical: nanos(critical),
    failed,
    orphans,
    exceptions: [...exceptions.values()],
    calls: { continued, uncontinued },
    callees: [...callees],
    peer,
  };
}

/** What changed between the two sides of a place, in the order the text prints them. */
export function comparePlace(
  place: AlignedPlace,
  a: PlaceSide | undefined,
  b: PlaceSide | undefined,
  thresholds: DiffThresholds,
): DiffChange[] {
  const changes: DiffChange[] = [];
  if (place.renamedFrom) changes.push({ kind: 'renamed', ...place.renamedFrom });
  if (a && b) {
    if (a.count !== b.count) changes.push({ kind: 'count', a: a.count, b: b.count });
    if (movedPastNoise(a.duration, b.duration, thresholds))
      changes.push({ kind: 'duration', a: a.duration, b: b.duration });
  }
  const failedA = a?.failed ?? 0;
  const failedB = b?.failed ?? 0;
  if (failedA !== failedB) changes.push({ kind: 'status', a: failedA, b: failedB });
  changes.push(...exceptionChanges(a?.exceptions ?? [], b?.exceptions ?? []));
  if (a && b) changes.push(...propagationChanges(a, b));
  return changes;
}

export function stateOf(
  a: PlaceSide | undefined,
  b: PlaceSide | undefined,
  changes: readonly DiffChange[],
): PlaceState {
  if (a === undefined) return 'added';
  if (b === undefined) return 'removed';
  if (changes.length === 0) return 'unchanged';
  return 'changed';
}

/**
 * Past both floors: the longer at least `minRatio` times the shorter, and longer by at least
 * `minDelta`. 1 ms → 3 ms is ×3 but jitter; 10.0 s → 10.2 s is 200 ms but 2%.
 */
export function movedPastNoise(a: Nanos, b: Nanos, thresholds: DiffThresholds): boolean {
  const [shorter, longer] = a < b ? [a, b] : [b, a];
  if (longer - shorter < thresholds.minDelta || longer === shorter) return false;
  return shorter === 0n || Number(longer) / Number(shorter) >= thresholds.minRatio;
}

/** Exceptions one side recorded and the other did not, told apart by type and normalised message. */
function exceptionChanges(a: readonly SeenException[], b: readonly SeenException[]): DiffChange[] {
  const keysA = new Set(a.map((e) => e.key));
  const keysB = new Set(b.map((e) => e.key));
  const seen = (e: SeenException, direction: 'new' | 'lost'): DiffChange => ({
    kind: 'exception',
    direction,
    type: e.type,
    message: e.message,
    spanId: e.spanId,
  });
  return [
    ...b.filter((e) => !keysA.has(e.key)).map((e) => seen(e, 'new')),
    ...a.filter((e) => !keysB.has(e.key)).map((e) => seen(e, 'lost')),
  ];
}

/**
 * Calls both traces make whose callee continued the trace in one and not in the other: a callee
 * that no longer joins (its context was not extracted, it was not reached) or one that now does.
 * A callee that continued some calls in both is still lost where, in B, calls it would have
 * answered now go unanswered; and the other way round.
 */
function propagationChanges(a: PlaceSide, b: PlaceSide): DiffChange[] {
  const out: DiffChange[] = [];
  const total = (side: PlaceSide) => side.calls.continued + side.calls.uncontinued;
  if (total(a) === 0 || total(b) === 0) return out;
  const lost = a.callees.filter((callee) => !b.callees.includes(callee));
  const gained = b.callees.filter((callee) => !a.callees.includes(callee));
  if (lost.length === 0 && a.calls.uncontinued === 0 && b.calls.uncontinued > 0 && a.callees.length > 0)
    lost.push(a.callees[0]!);
  if (gained.length === 0 && b.calls.uncontinued === 0 && a.calls.uncontinued > 0 && b.callees.length > 0)
    gained.push(b.callees[0]!);
  for (const callee of lost)
    out.push({ kind: 'propagation', direction: 'lost', callee, peer: a.peer ?? b.peer });
  for (const callee of gained)
    out.push({ kind: 'propagation', direction: 'gained', callee, peer: b.peer ?? a.peer });
  return out;
}
