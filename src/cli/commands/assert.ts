import type { Command } from 'commander';
import { analyzeFailures } from '../../analysis/analyze-trace.js';
import { evaluateRules, PERF_RULE_TYPES } from '../../analysis/assert-rules.js';
import { PERF_ATTRIBUTES } from '../../analysis/perf/calls.js';
import { withThresholds } from '../../analysis/perf/thresholds.js';
import { checkPropagation } from '../../analysis/propagation/check-propagation.js';
import { EXIT } from '../../errors.js';
import { loadConfig } from '../../pipeline/config-file.js';
import { selectTraces } from '../../pipeline/over-traces.js';
import { loadRules } from '../../pipeline/rules-file.js';
import { assertReport, ruleFailed } from '../../render/assert/report.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { type SelectOptions, withSelection } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat } from './shared-options.js';

interface AssertOptions extends SelectOptions {
  format: OutputFormat;
  output?: string[];
  rules?: string;
  config?: string;
}

export function assertCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<AssertOptions>(
    'assert',
    'check rules over traces (no error origins, no timeouts, duration bounds, span counts, required attributes, propagation, no orphans, no N+1 loops, call counts, calls one after another); exit 1 if any fails',
    async (options) => {
      ctx.exitCode = await runAssert(ctx, options);
    },
  )
    .option('--rules <file>', 'the rules file, JSON or YAML (default: otrace.rules.json, .yaml or .yml here)')
    .option(
      '--config <path>',
      'project config file with the performance detectors\' thresholds under "perf", for no-n-plus-one (default: .otrace.json here, if present)',
    );
}

async function runAssert(ctx: CommandContext, options: AssertOptions): Promise<number> {
  const outputs = parseOutputs(options.output ?? []);
  const { file, rules } = await loadRules(options.rules);
  const thresholds = withThresholds(loadConfig(options.config).perf ?? {});
  // Rules look across services (propagation), so every service's traces are read.
  // Attributes the rules read must survive the compaction of spans: calls are read by their statements and methods.
  const keepAttributes = rules.flatMap((r) => [
    ...Object.keys(r.select.attributes ?? {}),
    ...(r.type === 'required-attributes' ? r.attributes : []),
    ...(PERF_RULE_TYPES.has(r.type) ? PERF_ATTRIBUTES : []),
  ]);
  const traces = await withSelection(ctx, options, { everyService: true, keepAttributes }, selectTraces);
  const analysed = traces.map((trace) => analyzeFailures(trace, { limits: [] }));
  const propagation = checkPropagation(
    analysed.map((a) => a.tree),
    { external: new Set() },
  );
  const results = evaluateRules(rules, analysed, propagation, thresholds);
  await emitReport(ctx, assertReport(results, file, traces.length), options.format, outputs, {
    select: options,
    config: options.config,
  });
  return results.some(ruleFailed) ? EXIT.findings : EXIT.ok;
}
