import type { SpanNode, TraceTree } from '../../model/types.js';
import type { Call } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import { durationsOf, sum } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type Redundant = Extract<PerfFinding, { kind: 'redundant-call' }>;

/**
 * The same read made again in one trace: a statement with the same values, or a GET of the same
 * URL, on the same peer, wherever in the trace. A failed call, and the attempts of a retry storm
 * (`claimed`), are not repeats. What a cache of the first answer would save: the repeats' time.
 */
export function findRedundantCalls(
  tree: TraceTree,
  calls: readonly (Call | undefined)[],
  thresholds: PerfThresholds,
  claimed: ReadonlySet<SpanNode>,
): Redundant[] {
  const { minCalls, minWastedMs } = thresholds.redundant;
  const byExact = new Map<string, Call[]>();
  for (const call of calls) {
    if (call?.exact === undefined || call.failed) continue;
    const key = `${call.family}\u0000${call.peer ?? ''}\u0000${call.exact}`;
    const list = byExact.get(key);
    if (list) list.push(call);
    else byExact.set(key, [call]);
  }
  const found: Redundant[] = [];
  for (const same of byExact.values()) {
    const repeats = same.filter((c) => !claimed.has(c.node));
    if (repeats.length < minCalls) continue;
    const ordered = [...repeats].sort((a, b) => a.startMs - b.startMs);
    const wastedMs = sum(durationsOf(ordered.slice(1)));
    if (wastedMs < minWastedMs) continue;
    const first = ordered[0]!;
    const caller = first.node.parent?.span ?? first.node.span;
    found.push({
      kind: 'redundant-call',
      traceId: tree.traceId,
      spanId: caller.spanId,
      service: caller.service,
      name: caller.name,
      shape: first.shape,
      family: first.family,
      exact: first.exact!,
      callSpanIds: ordered.map((c) => c.node.span.spanId),
      count: ordered.length,
      savedMs: wastedMs,
    });
  }
  return found;
}
