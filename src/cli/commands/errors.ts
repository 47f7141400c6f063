import { type Command, Option } from 'commander';
import { countsAgainstRun, ERRORS_FAIL_ON, type ErrorsFailOn } from '../../analysis/error-records.js';
import { ErrorAccumulator, GROUP_BY, type GroupBy } from '../../analysis/group-errors.js';
import { EXIT } from '../../errors.js';
import { parseDuration } from '../../model/duration.js';
import type { Nanos } from '../../model/types.js';
import { overTraces } from '../../pipeline/over-traces.js';
import { errorsReport } from '../../render/errors/report.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { parseCount } from '../parse-options.js';
import { type SelectOptions, withSelection } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat, timeoutOption } from './shared-options.js';

interface ErrorsOptions extends SelectOptions {
  format: OutputFormat;
  groupBy: GroupBy;
  top?: string;
  failOn: ErrorsFailOn;
  maxErrors: string;
  timeout?: string[];
  output?: string[];
}

export function errorsCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<ErrorsOptions>(
    'errors',
    'what is failing across traces, how often, and where it starts: failing spans grouped by service, operation and error, each origin, propagated, timeout or recovered',
    async (options) => {
      ctx.exitCode = await runErrors(ctx, options);
    },
  )
    .addOption(
      new Option(
        '--group-by <dims>',
        'group by: all (service, operation, error type and message), service, operation, exception',
      )
        .choices(GROUP_BY)
        .default('all'),
    )
    .option('--top <n>', 'show the n largest groups (text default 20; JSON: all)')
    .addOption(
      new Option(
        '--fail-on <level>',
        'exit 1 when failing spans at this level are present: any (not recovered) or origin (started here)',
      )
        .choices(ERRORS_FAIL_ON)
        .default('any'),
    )
    .option('--max-errors <n>', 'tolerate up to n failing spans at the --fail-on level before exiting 1', '0')
    .addOption(timeoutOption());
}

async function runErrors(ctx: CommandContext, options: ErrorsOptions): Promise<number> {
  const limits = (options.timeout ?? []).map((t) => parseDuration(t, '--timeout')) as Nanos[];
  const top =
    options.top === undefined
      ? options.format === 'json'
        ? Infinity
        : 20
      : parseCount(options.top, '--top', 1);
  const maxErrors = parseCount(options.maxErrors, '--max-errors');
  const outputs = parseOutputs(options.output ?? []);
  const task = { kind: 'errors', limits, service: options.service } as const;
  const { results } = await withSelection(ctx, options, {}, (selection, hooks) =>
    overTraces(selection, task, hooks),
  );
  const accumulator = new ErrorAccumulator(options.groupBy, options.service);
  let failingSpans = 0;
  for (const { result: records } of results) {
    accumulator.addTrace(records);
    failingSpans += records.filter((r) => countsAgainstRun(r, options.failOn)).length;
  }
  const report = accumulator.report();
  const verdict = { failOn: options.failOn, maxErrors, failingSpans, failed: failingSpans > maxErrors };
  // A group fails its check when its spans count against the run.
  const counts = (group: (typeof report.groups)[number]) => countsAgainstRun(group, options.failOn);
  await emitReport(ctx, errorsReport(report, verdict, top, counts), options.format, outputs, {
    select: options,
    limits,
  });
  return verdict.failed ? EXIT.findings : EXIT.ok;
}
