import type { Nanos } from '../model/types.js';
import type { PipelineHooks } from '../pipeline/hooks.js';
import type { Selection } from '../pipeline/over-traces.js';
import type { InputFormat } from '../schema/decode.js';
import { type BackendOptions, chooseBackend } from './backend-options.js';
import type { CommandContext } from './context.js';
import { startProgress } from './progress.js';
import { parseSearch, type SearchOptions } from './search-options.js';

export interface SelectOptions extends BackendOptions, SearchOptions {
  file?: string[];
  inputFormat: InputFormat;
  format: string;
}

/**
 * The options of a command over many traces, read once (the source, the search, relative to one
 * "now"), as the pipeline's `Selection`, given to `use` with the hooks that report to `ctx`. A
 * backend search shows a spinner on a terminal; the backend is closed when `use` is done.
 */
export async function withSelection<T>(
  ctx: CommandContext,
  options: SelectOptions,
  want: { everyService?: boolean; keepAttributes?: readonly string[] },
  use: (selection: Selection, hooks: PipelineHooks) => Promise<T>,
): Promise<T> {
  const files = options.file ?? [];
  const env = ctx.terminal.env;
  const backend = chooseBackend(options, files, env);
  const query = parseSearch(options, backend !== undefined, nowNanos());
  const hooks: PipelineHooks = {
    warn: ctx.warn,
    skipInput: (skipped) => ctx.skipInput(skipped),
    debug: env.OTRACE_DEBUG ? (message) => ctx.diagnostic(`otrace: debug: ${message}`) : undefined,
  };
  const base = { query, env, everyService: want.everyService, keepAttributes: want.keepAttributes };
  if (!backend) {
    const source = {
      kind: 'files',
      files,
      inputFormat: options.inputFormat,
      stdinIsTTY: ctx.terminal.stdinIsTTY,
      stdin: ctx.io.stdin,
    } as const;
    return use({ ...base, source }, hooks);
  }
  const progress = await startProgress(ctx.terminal, options.format, `searching ${backend.baseUrl}`);
  try {
    return await use(
      { ...base, source: { kind: 'backend', backend } },
      { ...hooks, progress: progress.update },
    );
  } finally {
    progress.stop();
    await backend.close();
  }
}

/** The present, for the search flags relative to it (`--since`, `--end` by default). */
function nowNanos(): Nanos {
  return (BigInt(Date.now()) * 1_000_000n) as Nanos;
}
