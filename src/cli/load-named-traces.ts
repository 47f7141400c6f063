import { summarizeTrace } from '../analysis/summarize-trace.js';
import { UsageError } from '../errors.js';
import type { Nanos, Trace } from '../model/types.js';
import { fetchTrace } from '../pipeline/fetch-trace.js';
import { loadTraces } from '../pipeline/inputs.js';
import { namedBy, pickTrace } from '../pipeline/pick-trace.js';
import { renderListText } from '../render/list/text.js';
import { PLAIN_STYLE } from '../render/style.js';
import { loadTextWidths } from '../render/width.js';
import type { InputFormat } from '../schema/decode.js';
import { parseHexTraceId } from '../schema/ids.js';
import { type BackendOptions, chooseBackend } from './backend-options.js';
import type { CommandContext } from './context.js';
import { startProgress } from './progress.js';

/** Where the traces come from: the files or stdin (`-f`), or a backend, as `show` takes them. */
export interface TraceSourceOptions extends BackendOptions {
  readonly inputFormat: InputFormat;
  /** The output format: a spinner only for text. */
  readonly format: string;
}

/**
 * The traces `ids` name, in their order (`show` asks for one, `diff` for two). From a backend when
 * one is chosen, each fetched (`--wait` polls for it); else from files or stdin, read once for
 * all of them and holding only the traces the ids can name (one trace out of a big export). An
 * id left undefined asks for the input's only trace; where it holds several, the error lists
 * them and says `usage`.
 */
export async function loadNamedTraces(
  ctx: CommandContext,
  ids: readonly (string | undefined)[],
  files: readonly string[],
  options: TraceSourceOptions,
  wait: Nanos | undefined,
  usage: string,
): Promise<Trace[]> {
  const backend = chooseBackend(options, files, ctx.terminal.env);
  if (!backend) return loadFromFiles(ctx, ids, files, options.inputFormat, usage);
  try {
    const traces: Trace[] = [];
    for (const traceId of ids) {
      const id = traceId === undefined ? undefined : parseHexTraceId(traceId);
      if (id === undefined) {
        throw new UsageError(
          traceId === undefined
            ? `a trace id is needed to fetch from ${backend.baseUrl}`
            : `${JSON.stringify(traceId)} is not a trace id`,
          'trace ids are 16 or 32 hex characters; to read a file instead pass -f FILE (or -f - for stdin)',
        );
      }
      const progress = await startProgress(
        ctx.terminal,
        options.format,
        `fetching trace ${id} from ${backend.baseUrl}`,
      );
      try {
        traces.push(await fetchTrace(backend, id, wait, { warn: ctx.warn, progress: progress.update }));
      } finally {
        progress.stop();
      }
    }
    return traces;
  } finally {
    await backend.close();
  }
}

async function loadFromFiles(
  ctx: CommandContext,
  ids: readonly (string | undefined)[],
  files: readonly string[],
  inputFormat: InputFormat,
  usage: string,
): Promise<Trace[]> {
  const wanted = ids.map((id) => id?.toLowerCase());
  // Every id given: only the traces one of them can name are held.
  const named = wanted.every((id) => id !== undefined) ? (wanted as string[]) : undefined;
  const loaded = await loadTraces(
    { files, inputFormat, stdinIsTTY: ctx.terminal.stdinIsTTY, stdin: ctx.io.stdin },
    {
      warn: ctx.warn,
      onlyTraces: named === undefined ? undefined : (id) => named.some((w) => namedBy(w, id)),
    },
    (skipped) => ctx.skipInput(skipped),
  );
  const traces: Trace[] = [];
  for (const id of wanted) {
    const picked = pickTrace(loaded, id);
    if (picked.kind === 'trace') {
      traces.push(picked.trace);
      continue;
    }
    // Several traces and no id: the error lists them.
    await loadTextWidths();
    const { traces: all, where } = picked;
    const list = renderListText(all.slice(0, 20).map(summarizeTrace), PLAIN_STYLE, ctx.width).trimEnd();
    throw new UsageError(
      `${where} holds ${all.length} traces; say which one: ${usage}\n${list}${
        all.length > 20 ? `\n… ${all.length - 20} more: otrace list` : ''
      }`,
    );
  }
  return traces;
}
