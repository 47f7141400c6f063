import { Command, Option } from 'commander';
import { analyzeTrace } from '../../analysis/analyze-trace.js';
import { DEFAULT_THRESHOLDS } from '../../analysis/diff/compare-place.js';
import { DIFF_FAIL_ON, type DiffFailOn, diffTraces, failsOn } from '../../analysis/diff/diff-traces.js';
import { EXIT, UsageError } from '../../errors.js';
import { parseDuration } from '../../model/duration.js';
import type { Nanos, Trace } from '../../model/types.js';
import { diffReport } from '../../render/diff/report.js';
import type { InputFormat } from '../../schema/decode.js';
import type { BackendOptions } from '../backend-options.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { loadNamedTraces } from '../load-named-traces.js';
import { parseCount } from '../parse-options.js';
import {
  backendOptions,
  formatOption,
  inputOptions,
  type OutputFormat,
  outputOption,
  timeoutOption,
} from './shared-options.js';

interface DiffOptions extends BackendOptions {
  file?: string[];
  inputFormat: InputFormat;
  format: OutputFormat;
  minRatio: string;
  minDelta: string;
  changedOnly?: boolean;
  failOn: string;
  maxLines: string;
  timeout?: string[];
  output?: string[];
}

const USAGE = 'otrace diff <traceA> <traceB> -f FILE…';

export function diffCommand(ctx: CommandContext): Command {
  const command = new Command('diff')
    .description(
      'what changed from one trace to another: spans aligned by path, each added, removed, slower or faster, failing or recovered, with new exceptions, call counts and lost propagation; and what moved the critical path',
    )
    .argument(
      '<traceA>',
      'the trace to compare from (a unique prefix is enough), or a file holding one trace',
    )
    .argument('<traceB>', 'the trace to compare with, or a file holding one trace');
  for (const option of [...inputOptions(), ...backendOptions()]) command.addOption(option);
  command
    .addOption(formatOption())
    .addOption(outputOption())
    .option(
      '--min-ratio <x>',
      'a duration counts as changed only when the longer is at least this many times the shorter',
      String(DEFAULT_THRESHOLDS.minRatio),
    )
    .option(
      '--min-delta <dur>',
      'and only when the two differ by at least this much, e.g. 5ms',
      `${Number(DEFAULT_THRESHOLDS.minDelta) / 1e6}ms`,
    )
    .option('--changed-only', 'hide the parts of the tree that did not change (their ancestors stay)')
    .addOption(
      new Option(
        '--fail-on <what>',
        'exit 1 when B shows this: slower (on the critical path, past both floors), error (a span fails or an exception appears that A did not have), any (any change); a list, or none',
      ).default('none'),
    )
    .option('--max-lines <n>', 'stop after this many places of the tree and say what was left out', '1000')
    .addOption(timeoutOption())
    .option('--wait <dur>', 'poll the backend until each trace exists and stops growing, for up to this long')
    .action(async (traceA: string, traceB: string, options: DiffOptions) => {
      ctx.exitCode = await runDiff(ctx, traceA, traceB, options);
    });
  return command;
}

async function runDiff(ctx: CommandContext, traceA: string, traceB: string, options: DiffOptions) {
  // Validate every option before reading any input.
  const thresholds = {
    minRatio: parseRatio(options.minRatio),
    minDelta: parseDuration(options.minDelta, '--min-delta'),
  };
  const failOn = parseFailOn(options.failOn);
  const maxLines = parseCount(options.maxLines, '--max-lines', 1);
  const timeouts = (options.timeout ?? []).map((t) => parseDuration(t, '--timeout'));
  const outputs = parseOutputs(options.output ?? []);
  const wait = options.wait === undefined ? undefined : parseDuration(options.wait, '--wait');
  const [a, b] = await readBoth(ctx, traceA, traceB, options, wait);
  const limits = { limits: timeouts as Nanos[] };
  const diff = diffTraces(analyzeTrace(a, limits), analyzeTrace(b, limits), thresholds);
  const failed = failsOn(diff, failOn);
  const report = diffReport(
    diff,
    { failOn, failed },
    { changedOnly: options.changedOnly === true, maxLines },
  );
  await emitReport(ctx, report, options.format, outputs);
  return failed ? EXIT.findings : EXIT.ok;
}

/**
 * Two ids looked up in the same inputs (or fetched from the same backend); or, with no `-f` and
 * no backend, two files of one trace each (`otrace diff before.json after.json`), as `show` reads
 * an argument that is not an id as its file.
 */
async function readBoth(
  ctx: CommandContext,
  traceA: string,
  traceB: string,
  options: DiffOptions,
  wait: Nanos | undefined,
): Promise<[Trace, Trace]> {
  const files = options.file ?? [];
  const isId = (arg: string) => /^[0-9a-fA-F]+$/.test(arg);
  const backendNamed =
    options.jaeger !== undefined || options.tempo !== undefined || options.zipkin !== undefined;
  if (files.length === 0 && !backendNamed && !isId(traceA) && !isId(traceB)) {
    const [a] = await loadNamedTraces(ctx, [undefined], [traceA], options, wait, USAGE);
    const [b] = await loadNamedTraces(ctx, [undefined], [traceB], options, wait, USAGE);
    return [a!, b!];
  }
  const notId = [traceA, traceB].find((arg) => !isId(arg));
  if (notId !== undefined) {
    throw new UsageError(
      `${JSON.stringify(notId)} is not a trace id`,
      'give two trace ids (a unique prefix is enough) with -f FILE or a backend, or two files of one trace each',
    );
  }
  const [a, b] = await loadNamedTraces(ctx, [traceA, traceB], files, options, wait, USAGE);
  return [a!, b!];
}

function parseRatio(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 1) {
    throw new UsageError(
      `--min-ratio ${JSON.stringify(text)}: expected a number of at least 1`,
      'e.g. 1.2 (20% longer) or 2 (twice as long)',
    );
  }
  return value;
}

function parseFailOn(value: string): DiffFailOn[] {
  if (value.trim() === 'none') return [];
  const words = value.split(',').map((w) => w.trim());
  const unknown = words.filter((w) => !(DIFF_FAIL_ON as readonly string[]).includes(w));
  if (unknown.length > 0) {
    throw new UsageError(
      `--fail-on: ${unknown.map((w) => JSON.stringify(w)).join(', ')} is not something diff can fail on`,
      `use none, or one or more of ${DIFF_FAIL_ON.join(', ')} (comma-separated)`,
    );
  }
  return [...new Set(words)] as DiffFailOn[];
}
