import { Command } from 'commander';
import { summarizeTrace } from '../../analysis/summarize-trace.js';
import { EXIT, SourceError } from '../../errors.js';
import type { TraceSummary } from '../../model/summary.js';
import type { Nanos } from '../../model/types.js';
import { renderListJson, renderListText } from '../../render/list.js';
import type { InputFormat } from '../../schema/decode.js';
import type { CommandContext } from '../context.js';
import { type BackendOptions, chooseBackend } from '../fetch-trace.js';
import { loadTraces } from '../load-input.js';
import { writeResult } from '../output.js';
import { startProgress } from '../progress.js';
import {
  parseSearch,
  requireService,
  type SearchOptions,
  searchBackend,
  searchLoaded,
} from '../search-traces.js';
import {
  backendOptions,
  formatOption,
  inputOptions,
  type OutputFormat,
  searchOptions,
} from './shared-options.js';

interface ListOptions extends BackendOptions, SearchOptions {
  file?: string[];
  inputFormat: InputFormat;
  format: OutputFormat;
}

export function listCommand(ctx: CommandContext): Command {
  const command = new Command('list')
    .description(
      'one line per trace: id, start, root service and operation, spans, duration, errors; from files or a search of Jaeger/Tempo',
    )
    .argument('[files...]', 'trace files, the same as -f for each');
  for (const option of [...inputOptions(), ...backendOptions(), ...searchOptions()])
    command.addOption(option);
  command.addOption(formatOption()).action(async (files: string[], options: ListOptions) => {
    const summaries = await listSummaries(ctx, { ...options, file: [...(options.file ?? []), ...files] });
    if (summaries.length === 0 && options.format === 'text') ctx.warn('no traces match the search');
    writeResult(
      options.format === 'json'
        ? renderListJson(summaries)
        : renderListText(summaries, ctx.styleFor(options.format), ctx.width),
    );
    process.exitCode = EXIT.ok;
  });
  return command;
}

async function listSummaries(ctx: CommandContext, options: ListOptions): Promise<TraceSummary[]> {
  const files = options.file ?? [];
  const now = (BigInt(Date.now()) * 1_000_000n) as Nanos;
  const backend = chooseBackend(options, files, ctx);
  if (!backend) {
    const query = parseSearch(options, false, now);
    const loaded = await loadTraces(
      { files, inputFormat: options.inputFormat, stdinIsTTY: ctx.terminal.stdinIsTTY },
      ctx.warn,
    );
    if (loaded.traces.length === 0)
      throw new SourceError(
        `${loaded.inputNames.join(', ')}: no spans found`,
        'the input holds no trace data',
      );
    return searchLoaded(loaded.traces, query).map(summarizeTrace);
  }
  const query = parseSearch(options, true, now);
  const progress = await startProgress(ctx.terminal, options.format, `searching ${backend.baseUrl}`);
  try {
    await requireService(backend, query);
    // Jaeger 2.19+ counts spans and errors itself: one small answer instead of every span.
    const summaries = await backend.traceSummaries(query);
    if (summaries)
      return [...summaries]
        .sort((a, b) => (a.start > b.start ? -1 : a.start < b.start ? 1 : 0))
        .slice(0, query.limit);
    return (await searchBackend(backend, query, ctx, progress.update)).map(summarizeTrace);
  } finally {
    progress.stop();
    await backend.close();
  }
}
