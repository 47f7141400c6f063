import type { ErrorGroup, ErrorReport } from '../group-errors.js';
import type { FindingGroup, PerfReport } from '../perf/perf-report.js';
import type { PropagationReport } from '../propagation/check-propagation.js';
import type { Edge } from '../propagation/client-calls.js';
import type { PropagationFinding, PropagationKind } from '../propagation/findings.js';
import { fisherGreater } from './error-rate-test.js';
import { holmAdjust } from './holm.js';

/**
 * What `compare --baseline` says beside the operations and edges: what the other commands would
 * report of each run (`errors`, `perf`, `check-propagation`), and what of it is new in the
 * candidate. Worked out from the two runs' reports, as data; the renderers word it.
 */
export interface RunReports {
  readonly traces: number;
  readonly errors: ErrorReport;
  readonly perf: PerfReport;
  readonly propagation: PropagationReport;
}

/**
 * Whether a difference is more than chance: Fisher's one-sided test on the share of traces that
 * have it, Holm-adjusted over its section, at the confidence. A group in one trace of 150 and in
 * none of the other 150 is what two runs of the same code give now and then (p 0.5).
 */
export interface Tested {
  readonly adjustedPValue: number;
  readonly beyondNoise: boolean;
}

/** An error group (class, where, service, operation, error type, normalised message) as each run has it. */
export interface ErrorGroupChange extends Tested {
  readonly baseline: ErrorGroup | undefined;
  readonly candidate: ErrorGroup | undefined;
}

/** A performance finding group (kind, service, operation, shape) as each run has it. */
export interface PerfGroupChange extends Tested {
  readonly baseline: FindingGroup | undefined;
  readonly candidate: FindingGroup;
  readonly baselineTraces: number;
  readonly candidateTraces: number;
}

/** The candidate's propagation findings of one (kind, service, peer) the baseline has none of. */
export interface PropagationGroup extends Tested {
  readonly kind: PropagationKind;
  readonly service: string;
  readonly peer: string | undefined;
  readonly count: number;
  /** Traces with one. */
  readonly traces: number;
  /** The first of them, as an example. */
  readonly example: PropagationFinding;
}

/** A caller → callee pair whose calls continued the trace less often in the candidate. */
export interface EdgeDrop {
  readonly caller: string;
  readonly callee: string;
  readonly baseline: Edge;
  readonly candidate: Edge;
  readonly adjustedPValue: number;
}

export interface RunDifferences {
  readonly newErrors: readonly ErrorGroupChange[];
  readonly vanishedErrors: readonly ErrorGroupChange[];
  readonly newPerf: readonly PerfGroupChange[];
  readonly grownPerf: readonly PerfGroupChange[];
  readonly newPropagation: readonly PropagationGroup[];
  readonly droppedEdges: readonly EdgeDrop[];
}

/**
 * The differences at `confidence` (the level of `compare`'s other tests). Each is tested (Tested):
 * what is in one run only, against none of the other run's traces; a group in more of the
 * candidate's traces, or an edge whose calls break more often, against the baseline's share.
 * Groups in more traces and edges that break more often are reported only beyond the noise;
 * what is in one run only is reported whatever its count, marked.
 */
export function differencesOf(
  baseline: RunReports,
  candidate: RunReports,
  confidence: number,
): RunDifferences {
  const alpha = 1 - confidence;
  return {
    ...errorChangesOf(baseline, candidate, alpha),
    ...perfChangesOf(baseline, candidate, alpha),
    newPropagation: newPropagationOf(baseline, candidate, alpha),
    droppedEdges: droppedEdgesOf(baseline.propagation, candidate.propagation, alpha),
  };
}

/** Each pair's Fisher test (`[inA, nA, inB, nB]`: B has it in more of its traces), Holm-adjusted over the pairs. */
function testAll(counts: readonly (readonly [number, number, number, number])[], alpha: number): Tested[] {
  const adjusted = holmAdjust(counts.map(([a, nA, b, nB]) => fisherGreater(a, nA, b, nB)));
  return adjusted.map((p) => ({ adjustedPValue: p, beyondNoise: p <= alpha }));
}

function errorKey(g: ErrorGroup): string {
  return [g.errorClass, g.where, g.service, g.operation, g.errorType, g.message]
    .map((part) => part ?? '')
    .join('\u0000');
}

function errorChangesOf(
  baseline: RunReports,
  candidate: RunReports,
  alpha: number,
): Pick<RunDifferences, 'newErrors' | 'vanishedErrors'> {
  const before = new Set(baseline.errors.groups.map(errorKey));
  const after = new Set(candidate.errors.groups.map(errorKey));
  const appeared = candidate.errors.groups.filter((g) => !before.has(errorKey(g)));
  const gone = baseline.errors.groups.filter((g) => !after.has(errorKey(g)));
  const newTests = testAll(
    appeared.map((g) => [0, baseline.traces, g.traces, candidate.traces] as const),
    alpha,
  );
  const goneTests = testAll(
    gone.map((g) => [0, candidate.traces, g.traces, baseline.traces] as const),
    alpha,
  );
  return {
    newErrors: appeared.map((g, i) => ({ baseline: undefined, candidate: g, ...newTests[i]! })),
    vanishedErrors: gone.map((g, i) => ({ baseline: g, candidate: undefined, ...goneTests[i]! })),
  };
}

function perfKey(g: FindingGroup): string {
  return [g.kind, g.service, g.name, g.shape].join('\u0000');
}

function perfChangesOf(
  baseline: RunReports,
  candidate: RunReports,
  alpha: number,
): Pick<RunDifferences, 'newPerf' | 'grownPerf'> {
  const before = new Map(baseline.perf.groups.map((g) => [perfKey(g), g]));
  const change = (g: FindingGroup, tested: Tested): PerfGroupChange => ({
    baseline: before.get(perfKey(g)),
    candidate: g,
    baselineTraces: baseline.traces,
    candidateTraces: candidate.traces,
    ...tested,
  });
  const groups = candidate.perf.groups;
  const tests = testAll(
    groups.map(
      (g) => [before.get(perfKey(g))?.traces ?? 0, baseline.traces, g.traces, candidate.traces] as const,
    ),
    alpha,
  );
  const perTrace = (count: number, traces: number) => (traces > 0 ? count / traces : 0);
  const newPerf: PerfGroupChange[] = [];
  const grownPerf: PerfGroupChange[] = [];
  for (const [i, g] of groups.entries()) {
    const b = before.get(perfKey(g));
    if (b === undefined) newPerf.push(change(g, tests[i]!));
    else if (
      tests[i]!.beyondNoise &&
      perTrace(g.count, candidate.traces) > perTrace(b.count, baseline.traces)
    )
      grownPerf.push(change(g, tests[i]!));
  }
  return { newPerf, grownPerf };
}

function peerOfFinding(f: PropagationFinding): string | undefined {
  if ('peerService' in f) return f.peerService;
  return undefined;
}

function propagationKey(kind: string, service: string, peer: string | undefined): string {
  return [kind, service, peer ?? ''].join('\u0000');
}

function newPropagationOf(baseline: RunReports, candidate: RunReports, alpha: number): PropagationGroup[] {
  const before = new Set(
    baseline.propagation.findings.map((f) => propagationKey(f.kind, f.service, peerOfFinding(f))),
  );
  const groups = new Map<
    string,
    Omit<PropagationGroup, keyof Tested | 'traces'> & { count: number; traceIds: Set<string> }
  >();
  for (const f of candidate.propagation.findings) {
    const peer = peerOfFinding(f);
    const key = propagationKey(f.kind, f.service, peer);
    if (before.has(key)) continue;
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.traceIds.add(f.traceId);
    } else
      groups.set(key, {
        kind: f.kind,
        service: f.service,
        peer,
        count: 1,
        example: f,
        traceIds: new Set([f.traceId]),
      });
  }
  // Stable: ties stay in the order the check reported them.
  const found = [...groups.values()].sort((a, b) => b.count - a.count);
  const tests = testAll(
    found.map((g) => [0, baseline.traces, g.traceIds.size, candidate.traces] as const),
    alpha,
  );
  return found.map(({ traceIds, ...g }, i) => ({ ...g, traces: traceIds.size, ...tests[i]! }));
}

const broken = (e: Edge) => e.calls - e.continued - e.linked;

function droppedEdgesOf(
  baseline: PropagationReport,
  candidate: PropagationReport,
  alpha: number,
): EdgeDrop[] {
  const key = (e: Edge) => `${e.caller}\u0000${e.callee}`;
  const before = new Map(baseline.edges.map((e) => [key(e), e]));
  const pairs = candidate.edges.flatMap((c) => {
    const b = before.get(key(c));
    return b && b.calls > 0 && c.calls > 0 ? [{ b, c }] : [];
  });
  const tests = testAll(
    pairs.map(({ b, c }) => [broken(b), b.calls, broken(c), c.calls] as const),
    alpha,
  );
  return pairs.flatMap(({ b, c }, i) => {
    const dropped = broken(c) / c.calls > broken(b) / b.calls;
    const { adjustedPValue, beyondNoise } = tests[i]!;
    return dropped && beyondNoise
      ? [{ caller: c.caller, callee: c.callee, baseline: b, candidate: c, adjustedPValue }]
      : [];
  });
}
