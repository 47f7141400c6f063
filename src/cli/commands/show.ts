import { Command } from 'commander';
import { analyzeTrace } from '../../analysis/analyze-trace.js';
import { detectPerf } from '../../analysis/perf/detect-perf.js';
import { EXIT } from '../../errors.js';
import { parseDuration } from '../../model/duration.js';
import type { Nanos } from '../../model/types.js';
import { showReport } from '../../render/show/report.js';
import type { InputFormat } from '../../schema/decode.js';
import type { BackendOptions } from '../backend-options.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { loadNamedTraces } from '../load-named-traces.js';
import { parseCount } from '../parse-options.js';
import { perfThresholds } from '../perf-thresholds.js';
import {
  backendOptions,
  formatOption,
  inputOptions,
  type OutputFormat,
  outputOption,
  timeoutOption,
} from './shared-options.js';

interface ShowOptions extends BackendOptions {
  file?: string[];
  inputFormat: InputFormat;
  format: OutputFormat;
  stack?: boolean;
  depth?: string;
  errorsOnly?: boolean;
  minDuration?: string;
  service?: string;
  maxSpans: string;
  fold: boolean;
  timeline?: boolean;
  timeout?: string[];
  output?: string[];
  config?: string;
}

export function showCommand(ctx: CommandContext): Command {
  const command = new Command('show')
    .description(
      'print one trace as a tree: durations, errors with their exceptions, timeouts, orphans, critical path',
    )
    .argument(
      '[trace-id]',
      'the trace to show (a unique prefix is enough); optional when the input holds one trace',
    );
  for (const option of [...inputOptions(), ...backendOptions()]) command.addOption(option);
  command
    .addOption(formatOption())
    .addOption(outputOption())
    .option('--stack', 'print exception stack traces')
    .option('--depth <n>', 'show at most this many levels below the root')
    .option('--errors-only', 'show only failing spans and their ancestors')
    .option('--min-duration <dur>', 'hide spans shorter than this (failures always show), e.g. 10ms')
    .option('--service <name>', "show only this service's spans (and their ancestors)")
    .option('--max-spans <n>', 'stop after this many span lines and say what was left out', '1000')
    .option('--no-fold', 'do not fold runs of similar sibling spans into one line')
    .option('--timeline', 'add a proportional time bar per span (a terminal waterfall)')
    .addOption(timeoutOption())
    .option('--wait <dur>', 'poll the backend until the trace exists and stops growing, for up to this long')
    .option(
      '--config <path>',
      'project config file with the performance detectors\' thresholds under "perf" (default: .otrace.json here, if present)',
    )
    .action(async (traceId: string | undefined, options: ShowOptions) => {
      ctx.exitCode = await runShow(ctx, traceId, options);
    });
  return command;
}

async function runShow(
  ctx: CommandContext,
  traceIdArg: string | undefined,
  options: ShowOptions,
): Promise<number> {
  // Validate every option before reading any input.
  const timeouts = (options.timeout ?? []).map((t) => parseDuration(t, '--timeout'));
  const depth = options.depth === undefined ? undefined : parseCount(options.depth, '--depth');
  const minDuration =
    options.minDuration === undefined ? undefined : parseDuration(options.minDuration, '--min-duration');
  const maxSpans = parseCount(options.maxSpans, '--max-spans', 1);
  const outputs = parseOutputs(options.output ?? []);
  const thresholds = await perfThresholds(options.config);

  let files = options.file ?? [];
  let traceId = traceIdArg;
  // `otrace show trace.json` reads as "show the trace in this file".
  if (traceId !== undefined && files.length === 0 && !/^[0-9a-fA-F]+$/.test(traceId)) {
    files = [traceId];
    traceId = undefined;
  }
  const wait = options.wait === undefined ? undefined : parseDuration(options.wait, '--wait');
  const [trace] = await loadNamedTraces(ctx, [traceId], files, options, wait, 'otrace show <trace-id>');
  const analysis = analyzeTrace(trace!, { limits: timeouts as Nanos[] });
  const perfFindings = detectPerf(analysis.tree, thresholds);
  const shown = showReport(
    analysis,
    {
      stack: options.stack === true,
      maxDepth: depth,
      errorsOnly: options.errorsOnly === true,
      minDuration,
      service: options.service,
      maxSpans,
      fold: options.fold,
      timeline: options.timeline === true,
    },
    perfFindings,
  );
  // The html format draws the trace as a waterfall from the same analysis: its document.
  const drawing = { traces: [{ view: analysis, perfFindings }], documentTables: false, notes: [] };
  await emitReport(ctx, { ...shown, drawing }, options.format, outputs);
  return analysis.diagnosis.kind === 'ok' ? EXIT.ok : EXIT.findings;
}
