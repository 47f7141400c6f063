import { type Command, Option } from 'commander';
import { predicateKeys, rankBubbleUp } from '../../analysis/compare/bubble-up-rank.js';
import { judgeChanges } from '../../analysis/compare/judge-changes.js';
import { differencesOf } from '../../analysis/compare/run-differences.js';
import { parseWhere } from '../../analysis/compare/where-predicate.js';
import { EXIT, UsageError } from '../../errors.js';
import { parseDuration } from '../../model/duration.js';
import type { Nanos } from '../../model/types.js';
import { type CompareFailOn, compareOutcomeOf, failsRun } from '../../render/compare/outcome.js';
import { compareReport, whereReport } from '../../render/compare/report.js';
import { COMPARE_FAIL_ON } from '../../render/contracts/versions.js';
import type { Report } from '../../render/report.js';
import { readBubbleUp, readRun } from '../compare-runs.js';
import { compareSettings, compareThresholds } from '../compare-thresholds.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { parseCount } from '../parse-options.js';
import { parseTime } from '../search-options.js';
import type { SelectOptions } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat, repeatable, timeoutOption } from './shared-options.js';

interface CompareOptions extends SelectOptions {
  format: OutputFormat;
  baseline?: string[];
  baselineStart?: string;
  baselineEnd?: string;
  where?: string;
  confidence?: string;
  minEffect?: string;
  minSamples?: string;
  top?: string;
  failOn: string;
  timeout?: string[];
  external?: string[];
  config?: string;
  output?: string[];
}

export function compareCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<CompareOptions>(
    'compare',
    'did a change make things worse? A candidate run against a baseline (--baseline files, or --baseline-start/--baseline-end: another window of the same search), operation by operation and edge by edge, with the noise told apart; or what the traces matching --where have in common that the rest do not',
    async (options) => {
      ctx.exitCode = await runCompare(ctx, options);
    },
  )
    .addOption(
      new Option(
        '--baseline <input>',
        'the baseline run: a trace file (or quoted glob) as -f takes it; repeatable',
      ).argParser(repeatable),
    )
    .option(
      '--baseline-start <time>',
      'the baseline is the same search over another window, from this time (RFC 3339 or epoch seconds)',
    )
    .option('--baseline-end <time>', 'the end of the baseline window (with --baseline-start)')
    .option(
      '--where <predicate>',
      "compare the traces where the predicate holds with the rest, e.g. 'error', 'duration>2s and service=checkout'",
    )
    .option(
      '--confidence <0..1>',
      'how sure a regression must be, after the correction for the tests made (default 0.99)',
    )
    .option(
      '--min-effect <percent>',
      "a slowdown under this share of the baseline's median is not a regression (default 10%)",
    )
    .option('--min-samples <n>', 'traces an operation or edge needs in each run to be judged (default 20)')
    .option('--top <n>', 'show the n first rows of the table (text default 20; JSON: all)')
    .addOption(
      new Option(
        '--fail-on <what>',
        `exit 1 on: none, ${COMPARE_FAIL_ON.join(', ')} (an error group the baseline did not have, not recovered), or a list`,
      ).default('none'),
    )
    .addOption(timeoutOption())
    .addOption(
      new Option(
        '--external <peer>',
        'a peer outside the traced world (service, host or host:port): calls to it are never flagged; repeatable',
      ).argParser(repeatable),
    )
    .option(
      '--config <path>',
      'project config file with the thresholds under "compare" and "perf" (default: .otrace.json here, if present)',
    );
}

async function runCompare(ctx: CommandContext, options: CompareOptions): Promise<number> {
  const limits = (options.timeout ?? []).map((t) => parseDuration(t, '--timeout')) as Nanos[];
  const top =
    options.top === undefined
      ? options.format === 'json' || options.format === 'ndjson'
        ? Infinity
        : 20
      : parseCount(options.top, '--top', 1);
  const outputs = parseOutputs(options.output ?? []);
  const emit = (report: Report) =>
    emitReport(ctx, report, options.format, outputs, { select: options, limits, config: options.config });
  if (options.where === undefined) return runBaseline(ctx, options, limits, emit, top);
  refuseWithWhere(options);
  const predicate = parseWhere(options.where);
  const data = await readBubbleUp(ctx, options, limits, predicate);
  await emit(whereReport(rankBubbleUp(data, predicateKeys(predicate)), options.where, top));
  return EXIT.ok;
}

/** Reads the baseline, then the candidate, each in one pass, and judges the changes. */
async function runBaseline(
  ctx: CommandContext,
  options: CompareOptions,
  limits: readonly Nanos[],
  emit: (report: Report) => Promise<void>,
  top: number,
): Promise<number> {
  const failOn = parseFailOn(options.failOn);
  const baselineSelect = baselineOptions(options);
  const settings = await compareSettings(options.config);
  const thresholds = compareThresholds(settings.compare, options);
  const external = [
    ...new Set([...settings.external, ...(options.external ?? [])].map((p) => p.toLowerCase())),
  ];
  const run = { limits, perf: settings.perf, external };
  const baseline = await readRun(ctx, baselineSelect, run, 'baseline');
  const candidate = await readRun(ctx, options, run, 'candidate');
  const outcome = compareOutcomeOf(
    judgeChanges(baseline.aggregate, candidate.aggregate, thresholds),
    differencesOf(baseline.reports, candidate.reports, thresholds.confidence),
  );
  const failed = failsRun(outcome, failOn);
  await emit(compareReport(outcome, { failOn, failed }, top));
  return failed ? EXIT.findings : EXIT.ok;
}

/** `--where` looks within one run: a baseline, and what judges a comparison of two, have no place beside it. */
function refuseWithWhere(options: CompareOptions): void {
  const given = [
    options.baseline !== undefined && '--baseline',
    options.baselineStart !== undefined && '--baseline-start',
    options.baselineEnd !== undefined && '--baseline-end',
    options.failOn !== 'none' && '--fail-on',
    options.confidence !== undefined && '--confidence',
    options.minEffect !== undefined && '--min-effect',
    options.minSamples !== undefined && '--min-samples',
  ].filter((flag): flag is string => flag !== false);
  if (given.length > 0)
    throw new UsageError(
      `--where and ${given.join(', ')} together: pick one mode`,
      '--where compares the traces of one run with each other; --baseline compares two runs',
    );
}

/**
 * The baseline's selection: its files (`--baseline`), or the candidate's source over the baseline
 * window; the candidate's filters (--service, --tag…) either way, never its window.
 */
function baselineOptions(options: CompareOptions): SelectOptions {
  const { baselineStart, baselineEnd } = options;
  const files = options.baseline ?? [];
  if ((baselineStart === undefined) !== (baselineEnd === undefined))
    throw new UsageError(
      `${baselineStart === undefined ? '--baseline-end' : '--baseline-start'} alone: the baseline window needs both ends`,
      'e.g. --baseline-start 2026-05-01T09:00:00Z --baseline-end 2026-05-01T10:00:00Z',
    );
  if (baselineStart !== undefined && baselineEnd !== undefined) {
    if (parseTime(baselineStart, '--baseline-start') > parseTime(baselineEnd, '--baseline-end'))
      throw new UsageError(
        'the baseline window ends before it starts',
        'check --baseline-start and --baseline-end',
      );
  } else if (files.length === 0)
    throw new UsageError(
      'compare needs a baseline: --baseline <file>, or --baseline-start and --baseline-end',
      "or --where <predicate> to compare a run's traces with each other",
    );
  const window = { since: undefined, start: baselineStart, end: baselineEnd };
  const candidateFiles = options.file ?? [];
  if (files.length > 0) {
    if (files.includes('-') && candidateFiles.includes('-'))
      throw new UsageError(
        'standard input (-) for both runs: it can be read once',
        'give one of them as a file',
      );
    return { ...options, ...window, file: files, jaeger: undefined, tempo: undefined, zipkin: undefined };
  }
  // The candidate's own files over two windows: the candidate needs a window of its own.
  if (candidateFiles.length > 0) {
    if (candidateFiles.includes('-'))
      throw new UsageError(
        'standard input (-) for both runs: it can be read once',
        'save it to a file, or give the baseline as --baseline <file>',
      );
    if (options.since === undefined && options.start === undefined && options.end === undefined)
      throw new UsageError(
        "the candidate is every trace of the files, the baseline's window too",
        'give the candidate its own window: --start, --since or --end',
      );
  }
  return { ...options, ...window };
}

function parseFailOn(value: string): CompareFailOn[] {
  if (value.trim() === 'none') return [];
  const named = value.split(',').map((k) => k.trim());
  const unknown = named.filter((k) => !(COMPARE_FAIL_ON as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new UsageError(
      `--fail-on: ${unknown.map((k) => JSON.stringify(k)).join(', ')} is not something compare can fail on`,
      `use none, or a list of ${COMPARE_FAIL_ON.join(', ')}`,
    );
  return [...new Set(named)] as CompareFailOn[];
}
