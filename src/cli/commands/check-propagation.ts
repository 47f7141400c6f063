import { type Command, Option } from 'commander';
import { atOrAbove, type Severity } from '../../analysis/findings.js';
import { focusReport, PropagationCheck } from '../../analysis/propagation/check-propagation.js';
import { severityOf } from '../../analysis/propagation/findings.js';
import { EXIT } from '../../errors.js';
import { buildTree } from '../../model/build-tree.js';
import { propagationReportOf } from '../../render/propagation/report.js';
import { loadConfig } from '../config.js';
import type { CommandContext } from '../context.js';
import { eachTrace } from '../each-trace.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { type SelectOptions, selectInParallel, selectTraces } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat, repeatable } from './shared-options.js';

const PROPAGATION_FAIL_ON = ['error', 'warn', 'info'] as const;
type PropagationFailOn = (typeof PROPAGATION_FAIL_ON)[number];
const FAIL_ON_SEVERITY = { error: 'error', warn: 'warning', info: 'info' } as const satisfies Record<
  PropagationFailOn,
  Severity
>;

interface CheckOptions extends SelectOptions {
  format: OutputFormat;
  failOn: PropagationFailOn;
  external?: string[];
  config?: string;
  output?: string[];
}

export function checkPropagationCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<CheckOptions>(
    'check-propagation',
    'find where trace context breaks between services (split traces, lost context, orphans, hidden hops, clock skew) and say why',
    async (options) => {
      ctx.exitCode = await runCheck(ctx, options);
    },
  )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse is present')
        .choices(PROPAGATION_FAIL_ON)
        .default('error'),
    )
    .addOption(
      new Option(
        '--external <peer>',
        'a peer outside the traced world (service, host or host:port): calls to it are never flagged; repeatable',
      ).argParser(repeatable),
    )
    .option('--config <path>', 'project config file (default: .otrace.json here, if present)');
}

async function runCheck(ctx: CommandContext, options: CheckOptions): Promise<number> {
  const outputs = parseOutputs(options.output ?? []);
  const config = loadConfig(options.config);
  const external = new Set(
    [...(config.external ?? []), ...(options.external ?? [])].map((p) => p.toLowerCase()),
  );
  const check = new PropagationCheck({ external });
  // A big export file: worker threads work out each trace's part of the checks, joined here in
  // trace order, and add up what does not depend on the order.
  const parallel = await selectInParallel(
    ctx,
    options,
    { kind: 'propagation', external: [...external] },
    { everyService: true },
  );
  if (parallel) {
    for (const totals of parallel.totals) check.addTotals(totals);
    for (const { result } of parallel.results) check.addPart(result);
  } else {
    // Every span is kept (compact) until the end, but each tree is built, added and let go.
    const selected = await selectTraces(ctx, options, { summaries: false, everyService: true });
    eachTrace(selected.kind === 'traces' ? selected.traces : [], (trace) => check.add(buildTree(trace)));
  }
  const report = focusReport(check.report(), options.service);
  const failOn = FAIL_ON_SEVERITY[options.failOn];
  const failed = report.findings.some((f) => atOrAbove(severityOf(f), failOn));
  await emitReport(ctx, propagationReportOf(report, { failOn, failed }), options.format, outputs);
  return failed ? EXIT.findings : EXIT.ok;
}
