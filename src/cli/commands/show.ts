import { Command } from 'commander';
import { analyzeTrace } from '../../analysis/analyze-trace.js';
import { detectPerf } from '../../analysis/perf/detect-perf.js';
import { summarizeTrace } from '../../analysis/summarize-trace.js';
import { EXIT, UsageError } from '../../errors.js';
import { parseDuration } from '../../model/duration.js';
import type { Nanos, Trace } from '../../model/types.js';
import { fetchTrace } from '../../pipeline/fetch-trace.js';
import { loadTraces } from '../../pipeline/inputs.js';
import { namedBy, pickTrace } from '../../pipeline/pick-trace.js';
import { renderListText } from '../../render/list/text.js';
import { showReport } from '../../render/show/report.js';
import { PLAIN_STYLE } from '../../render/style.js';
import { loadTextWidths } from '../../render/width.js';
import type { InputFormat } from '../../schema/decode.js';
import { parseHexTraceId } from '../../schema/ids.js';
import { type BackendOptions, chooseBackend } from '../backend-options.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { parseCount } from '../parse-options.js';
import { perfThresholds } from '../perf-thresholds.js';
import { startProgress } from '../progress.js';
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
  const trace = await readTrace(ctx, traceId, files, options, wait);
  const analysis = analyzeTrace(trace, { limits: timeouts as Nanos[] });
  const perfFindings = detectPerf(analysis.tree, thresholds);
  const report = showReport(
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
  await emitReport(ctx, report, options.format, outputs);
  return analysis.diagnosis.kind === 'ok' ? EXIT.ok : EXIT.findings;
}

/** From a backend when one is chosen, else from files or stdin. */
async function readTrace(
  ctx: CommandContext,
  traceId: string | undefined,
  files: string[],
  options: ShowOptions,
  wait: Nanos | undefined,
): Promise<Trace> {
  const backend = chooseBackend(options, files, ctx.terminal.env);
  if (!backend) {
    // With an id, only the traces it can name are held: one trace out of a big export.
    const wanted = traceId?.toLowerCase();
    const loaded = await loadTraces(
      {
        files,
        inputFormat: options.inputFormat,
        stdinIsTTY: ctx.terminal.stdinIsTTY,
        stdin: ctx.io.stdin,
      },
      {
        warn: ctx.warn,
        onlyTraces: wanted === undefined ? undefined : (id) => namedBy(wanted, id),
      },
      (skipped) => ctx.skipInput(skipped),
    );
    const picked = pickTrace(loaded, wanted);
    if (picked.kind === 'trace') return picked.trace;
    // Several traces and no id: the error lists them.
    await loadTextWidths();
    const { traces, where } = picked;
    const list = renderListText(traces.slice(0, 20).map(summarizeTrace), PLAIN_STYLE, ctx.width).trimEnd();
    throw new UsageError(
      `${where} holds ${traces.length} traces; say which one: otrace show <trace-id>\n${list}${
        traces.length > 20 ? `\n… ${traces.length - 20} more: otrace list` : ''
      }`,
    );
  }
  const id = traceId === undefined ? undefined : parseHexTraceId(traceId);
  if (id === undefined) {
    throw new UsageError(
      traceId === undefined
        ? `a trace id is needed to fetch from ${backend.baseUrl}`
        : `${JSON.stringify(traceId)} is not a trace id`,
      'trace ids are 16 or 32 hex characters; to read a file instead pass -f FILE (or -f - for stdin)',
    );
  }
  const progress = await startProgress(
    ctx.terminal,
    options.format,
    `fetching trace ${id} from ${backend.baseUrl}`,
  );
  try {
    return await fetchTrace(backend, id, wait, { warn: ctx.warn, progress: progress.update });
  } finally {
    progress.stop();
    await backend.close();
  }
}
