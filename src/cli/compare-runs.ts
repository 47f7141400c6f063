import { ALL_ATTRIBUTES } from '../analysis/compact-span.js';
import { BubbleUpAccumulator, type BubbleUpData } from '../analysis/compare/bubble-up.js';
import { RunAggregate } from '../analysis/compare/run-aggregate.js';
import type { RunReports } from '../analysis/compare/run-differences.js';
import type { WherePredicate } from '../analysis/compare/where-predicate.js';
import { ErrorAccumulator } from '../analysis/group-errors.js';
import { PERF_ATTRIBUTES } from '../analysis/perf/calls.js';
import { PerfAccumulator } from '../analysis/perf/perf-report.js';
import type { PerfThresholds } from '../analysis/perf/thresholds.js';
import { PropagationCheck } from '../analysis/propagation/check-propagation.js';
import { SourceError } from '../errors.js';
import type { Nanos } from '../model/types.js';
import { overTraces } from '../pipeline/over-traces.js';
import type { CommandContext } from './context.js';
import { type SelectOptions, withSelection } from './select-traces.js';

/** One run of `compare --baseline`, read: its operations and edges added up, and what the other commands would report of it. */
export interface ComparedRun {
  readonly aggregate: RunAggregate;
  readonly reports: RunReports;
}

export interface RunSettings {
  readonly limits: readonly Nanos[];
  readonly perf: PerfThresholds;
  readonly external: readonly string[];
}

/**
 * Reads one run in one pass: per trace, its failing spans and its part of the propagation checks,
 * folded here in trace order; the rest (operations and edges, performance, what propagation adds
 * up whatever the order) added up where each trace is read, on worker threads for a big export,
 * and merged here. Without --service every service's traces are read, so that the propagation
 * and performance checks see them all.
 */
export async function readRun(
  ctx: CommandContext,
  options: SelectOptions,
  settings: RunSettings,
  name: 'baseline' | 'candidate',
): Promise<ComparedRun> {
  // A task of its own per run: the pipeline keeps each task's totals apart.
  const task = {
    kind: 'compare',
    limits: settings.limits,
    thresholds: settings.perf,
    external: settings.external,
  } as const;
  const { results, totals } = await withSelection(
    ctx,
    options,
    { everyService: options.service === undefined, keepAttributes: PERF_ATTRIBUTES },
    (selection, hooks) => overTraces(selection, task, hooks),
  );
  const check = new PropagationCheck({ external: new Set(settings.external) });
  const errors = new ErrorAccumulator('all', undefined);
  for (const { result } of results) {
    check.addPart(result.part);
    errors.addTrace(result.errors);
  }
  const aggregate = new RunAggregate();
  const perf = new PerfAccumulator(settings.perf);
  for (const part of totals()) {
    aggregate.merge(RunAggregate.fromData(part.facts));
    perf.addTotals(part.perf);
    check.addTotals(part.propagation);
  }
  if (aggregate.traces === 0)
    throw new SourceError(
      `the ${name} holds no trace`,
      name === 'baseline'
        ? 'check --baseline, or widen --baseline-start/--baseline-end'
        : 'check the inputs or widen the search',
    );
  return {
    aggregate,
    reports: {
      traces: aggregate.traces,
      errors: errors.report(),
      perf: perf.report(),
      propagation: check.report(),
    },
  };
}

/** The traces of one selection, each counted in the predicate's selection or the rest, with every attribute kept. */
export async function readBubbleUp(
  ctx: CommandContext,
  options: SelectOptions,
  limits: readonly Nanos[],
  predicate: WherePredicate,
): Promise<BubbleUpData> {
  const task = { kind: 'bubble-up', limits, predicate } as const;
  const { results, totals } = await withSelection(
    ctx,
    options,
    { everyService: options.service === undefined, keepAttributes: [ALL_ATTRIBUTES] },
    (selection, hooks) => overTraces(selection, task, hooks),
  );
  for (const _ of results);
  const merged = new BubbleUpAccumulator();
  for (const part of totals()) merged.merge(part);
  return merged.toData();
}
