import { type Command, Option } from 'commander';
import { focusReport, PropagationCheck } from '../../analysis/propagation/check-propagation.js';
import {
  FAIL_ON_SEVERITY,
  failsAt,
  PROPAGATION_FAIL_ON,
  type PropagationFailOn,
} from '../../analysis/propagation/findings.js';
import { EXIT } from '../../errors.js';
import { loadConfig } from '../../pipeline/config-file.js';
import { overTraces } from '../../pipeline/over-traces.js';
import { propagationReportOf } from '../../render/propagation/report.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { type SelectOptions, withSelection } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat, repeatable } from './shared-options.js';

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
  // Each trace's part of the checks, joined here in trace order, and what does not depend on the
  // order added up apart (on worker threads for a big export).
  const task = { kind: 'propagation', external: [...external] } as const;
  const { results, totals } = await withSelection(ctx, options, { everyService: true }, (selection, hooks) =>
    overTraces(selection, task, hooks),
  );
  const check = new PropagationCheck({ external });
  for (const { result } of results) check.addPart(result);
  for (const part of totals()) check.addTotals(part);
  const report = focusReport(check.report(), options.service);
  const failed = report.findings.some((f) => failsAt(f, options.failOn));
  await emitReport(
    ctx,
    propagationReportOf(report, { failOn: FAIL_ON_SEVERITY[options.failOn], failed }),
    options.format,
    outputs,
    { select: options, config: options.config },
  );
  return failed ? EXIT.findings : EXIT.ok;
}
