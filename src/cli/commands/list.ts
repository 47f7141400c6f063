import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { overTraces } from '../../pipeline/over-traces.js';
import { listReport } from '../../render/list/report.js';
import type { CommandContext } from '../context.js';
import { emitReport, parseOutputs } from '../emit-report.js';
import { type SelectOptions, withSelection } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat } from './shared-options.js';

interface ListOptions extends SelectOptions {
  format: OutputFormat;
  output?: string[];
}

export function listCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<ListOptions>(
    'list',
    'one line per trace: id, start, root service and operation, spans, duration, errors; from files or a search of Jaeger, Tempo or Zipkin',
    async (options) => {
      const outputs = parseOutputs(options.output ?? []);
      const { results } = await withSelection(ctx, options, {}, (selection, hooks) =>
        overTraces(selection, { kind: 'summaries' }, hooks),
      );
      const summaries = Array.from(results, (r) => r.result);
      if (summaries.length === 0 && options.format === 'text') ctx.warn('no traces match the search');
      await emitReport(ctx, listReport(summaries), options.format, outputs, { select: options });
      ctx.exitCode = EXIT.ok;
    },
  );
}
