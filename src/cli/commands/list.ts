import { Command } from 'commander';
import { summarizeTrace } from '../../analysis/summarize-trace.js';
import { EXIT, SourceError } from '../../errors.js';
import { renderListJson, renderListText } from '../../render/list.js';
import type { InputFormat } from '../../schema/decode.js';
import type { CommandContext } from '../context.js';
import { loadTraces } from '../load-input.js';
import { writeResult } from '../output.js';
import { formatOption, inputOptions, type OutputFormat } from './shared-options.js';

interface ListOptions {
  file?: string[];
  inputFormat: InputFormat;
  format: OutputFormat;
}

export function listCommand(ctx: CommandContext): Command {
  const command = new Command('list').description(
    'one line per trace: id, start, root service and operation, spans, duration, errors',
  );
  for (const option of inputOptions()) command.addOption(option);
  command.addOption(formatOption()).action(async (options: ListOptions) => {
    const loaded = await loadTraces(
      { files: options.file ?? [], inputFormat: options.inputFormat, stdinIsTTY: ctx.terminal.stdinIsTTY },
      ctx.warn,
    );
    if (loaded.traces.length === 0) {
      throw new SourceError(
        `${loaded.inputNames.join(', ')}: no spans found`,
        'the input holds no trace data',
      );
    }
    const summaries = loaded.traces.map(summarizeTrace);
    writeResult(
      options.format === 'json'
        ? renderListJson(summaries)
        : renderListText(summaries, ctx.styleFor(options.format), ctx.width),
    );
    process.exitCode = EXIT.ok;
  });
  return command;
}
