import { type Command, Option } from 'commander';
import { PERF_ATTRIBUTES } from '../../analysis/perf/calls.js';
import { PERF_FINDING_KINDS, type PerfFindingKind } from '../../analysis/perf/perf-findings.js';
import { PerfAccumulator } from '../../analysis/perf/perf-report.js';
import { EXIT, UsageError } from '../../errors.js';
import { overTraces } from '../../pipeline/over-traces.js';
import { perfReport } from '../../render/perf/report.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { parseCount } from '../parse-options.js';
import { perfThresholds } from '../perf-thresholds.js';
import { type SelectOptions, withSelection } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat } from './shared-options.js';

interface PerfOptions extends SelectOptions {
  format: OutputFormat;
  top?: string;
  failOn: string;
  config?: string;
  output?: string[];
}

export function perfCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<PerfOptions>(
    'perf',
    'why requests are slow: where the critical path spends its time, and anti-patterns (N+1 calls, sequential calls, redundant reads, retry storms, fan-out, pool waits, slow calls) grouped across traces',
    async (options) => {
      ctx.exitCode = await runPerf(ctx, options);
    },
  )
    .option(
      '--top <n>',
      'show the n root operations and finding groups with most to save (text default 10; JSON: all)',
    )
    .addOption(
      new Option(
        '--fail-on <kinds>',
        `exit 1 when a finding of these kinds is present: none, any, or a list of ${PERF_FINDING_KINDS.join(', ')}`,
      ).default('none'),
    )
    .option(
      '--config <path>',
      'project config file with the detectors\' thresholds under "perf" (default: .otrace.json here, if present)',
    );
}

async function runPerf(ctx: CommandContext, options: PerfOptions): Promise<number> {
  const top =
    options.top === undefined
      ? options.format === 'json'
        ? Infinity
        : 10
      : parseCount(options.top, '--top', 1);
  const failOn = parseFailOn(options.failOn);
  const outputs = parseOutputs(options.output ?? []);
  const thresholds = await perfThresholds(options.config);
  const task = { kind: 'perf', thresholds } as const;
  const { results, totals } = await withSelection(
    ctx,
    options,
    // Without --service, a backend is searched service by service: the whole system's time.
    { everyService: options.service === undefined, keepAttributes: PERF_ATTRIBUTES },
    (selection, hooks) => overTraces(selection, task, hooks),
  );
  // Each trace is added up where it is read (on worker threads for a big export): only the
  // totals of each thread come here, whose merge does not depend on their order.
  for (const _ of results);
  const accumulator = new PerfAccumulator(thresholds);
  for (const part of totals()) accumulator.addTotals(part);
  const report = accumulator.report();
  const failing = new Set(failOn);
  const failed = report.groups.some((g) => failing.has(g.kind));
  await emitReport(ctx, perfReport(report, { failOn, failed }, top), options.format, outputs, {
    select: options,
    config: options.config,
  });
  return failed ? EXIT.findings : EXIT.ok;
}

function parseFailOn(value: string): PerfFindingKind[] {
  if (value === 'none') return [];
  if (value === 'any') return [...PERF_FINDING_KINDS];
  const kinds = value.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(PERF_FINDING_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new UsageError(
      `--fail-on: ${unknown.map((k) => JSON.stringify(k)).join(', ')} is not a finding kind`,
      `use none, any, or a list of ${PERF_FINDING_KINDS.join(', ')}`,
    );
  return kinds as PerfFindingKind[];
}
