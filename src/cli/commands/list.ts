import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { renderListJson, renderListText } from '../../render/list.js';
import type { CommandContext } from '../context.js';
import { writeResult } from '../output.js';
import { type SelectOptions, selectSummaries } from '../select-traces.js';
import { acrossTracesCommand, type OutputFormat } from './shared-options.js';

interface ListOptions extends SelectOptions {
  format: OutputFormat;
}

export function listCommand(ctx: CommandContext): Command {
  return acrossTracesCommand<ListOptions>(
    'list',
    'one line per trace: id, start, root service and operation, spans, duration, errors; from files or a search of Jaeger/Tempo',
    async (options) => {
      const summaries = await selectSummaries(ctx, options);
      if (summaries.length === 0 && options.format === 'text') ctx.warn('no traces match the search');
      writeResult(
        options.format === 'json'
          ? renderListJson(summaries)
          : renderListText(summaries, ctx.styleFor(options.format), ctx.width),
      );
      process.exitCode = EXIT.ok;
    },
  );
}
