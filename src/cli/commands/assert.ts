import type { Command } from 'commander';
import { analyzeFailures } from '../../analysis/analyze-trace.js';
import { evaluateRules } from '../../analysis/assert-rules.js';
import { checkPropagation } from '../../analysis/propagation/check-propagation.js';
import { EXIT } from '../../errors.js';
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
}

export function assertCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<AssertOptions>(
    'assert',
    'check rules over traces (no error origins, no timeouts, duration bounds, span counts, required attributes, propagation, no orphans); exit 1 if any fails',
    async (options) => {
      ctx.exitCode = await runAssert(ctx, options);
    },
  ).option('--rules <file>', 'the rules file, JSON or YAML (default: otrace.rules.json, .yaml or .yml here)');
}

async function runAssert(ctx: CommandContext, options: AssertOptions): Promise<number> {
  const outputs = parseOutputs(options.output ?? []);
  const { file, rules } = await loadRules(options.rules);
  // Rules look across services (propagation), so every service's traces are read.
  // Attributes the rules read must survive the compaction of spans.
  const keepAttributes = rules.flatMap((r) => [
    ...Object.keys(r.select.attributes ?? {}),
    ...(r.type === 'required-attributes' ? r.attributes : []),
  ]);
  const traces = await withSelection(ctx, options, { everyService: true, keepAttributes }, selectTraces);
  const analysed = traces.map((trace) => analyzeFailures(trace, { limits: [] }));
  const propagation = checkPropagation(
    analysed.map((a) => a.tree),
    { external: new Set() },
  );
  const results = evaluateRules(rules, analysed, propagation);
  await emitReport(ctx, assertReport(results, file, traces.length), options.format, outputs);
  return results.some(ruleFailed) ? EXIT.findings : EXIT.ok;
}
