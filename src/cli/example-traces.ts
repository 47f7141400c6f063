import { analyzeTrace } from '../analysis/analyze-trace.js';
import { detectPerf } from '../analysis/perf/detect-perf.js';
import { SourceError } from '../errors.js';
import type { Nanos, Trace, TraceId } from '../model/types.js';
import { fetchTrace } from '../pipeline/fetch-trace.js';
import { loadTraces } from '../pipeline/inputs.js';
import { namedTraceIds } from '../render/html/named-traces.js';
import type { DrawingNote, DrawnTrace, ReportDrawing } from '../render/report.js';
import { chooseBackend } from './backend-options.js';
import type { CommandContext } from './context.js';
import { perfThresholds } from './perf-thresholds.js';
import type { SelectOptions } from './select-traces.js';

/** Where a report over many traces read them, to read the ones it names again, whole. */
export interface ExampleSource {
  readonly select: SelectOptions;
  /** `--timeout` limits in force, so that a drawn trace's verdicts are the report's. */
  readonly limits?: readonly Nanos[];
  /** `--config`, for the performance findings marked on the drawn spans (as `show` marks them). */
  readonly config?: string | undefined;
}

/** At most this many traces are drawn in one page, and at most this many spans in all. */
export const MAX_DRAWN_TRACES = 50;
export const MAX_DRAWN_SPANS = 500_000;

/**
 * The traces a report names (`traceId`, `examples`…, in the order its tables give them), read
 * again and analysed as `show` analyses one. Commands over many traces keep compact records, not
 * spans: reading the named traces again costs a second read of the input, paid only for html, and
 * holds only their spans (the decoder's `onlyTraces`), with every attribute for the details.
 * Standard input cannot be read twice: its traces are left out, and the page says so.
 */
export async function drawExampleTraces(
  ctx: CommandContext,
  document: unknown,
  source: ExampleSource,
): Promise<ReportDrawing> {
  const named = namedTraceIds(document);
  const wanted = named.slice(0, MAX_DRAWN_TRACES);
  const notes: DrawingNote[] = [];
  const read = wanted.length === 0 ? [] : await readNamed(ctx, source.select, wanted, notes);
  const thresholds = await perfThresholds(source.config);
  const traces: DrawnTrace[] = [];
  let spans = 0;
  for (const trace of read) {
    if (spans + trace.spans.length > MAX_DRAWN_SPANS && traces.length > 0) break;
    spans += trace.spans.length;
    const view = analyzeTrace(trace, { limits: source.limits ?? [] });
    traces.push({ view, perfFindings: detectPerf(view.tree, thresholds) });
  }
  const leftOut = named.length - traces.length - notFound(notes);
  if (leftOut > 0 && !notes.some((n) => n.kind === 'stdin-not-read-again'))
    notes.push({
      kind: 'traces-left-out',
      count: leftOut,
      traceLimit: MAX_DRAWN_TRACES,
      spanLimit: MAX_DRAWN_SPANS,
    });
  return { traces, documentTables: true, notes };
}

/** The named traces, in the order named: from the files again, or fetched one by one. */
async function readNamed(
  ctx: CommandContext,
  select: SelectOptions,
  wanted: readonly TraceId[],
  notes: DrawingNote[],
): Promise<Trace[]> {
  const files = select.file ?? [];
  const backend = chooseBackend(select, files, ctx.terminal.env);
  const found = new Map<TraceId, Trace>();
  if (backend === undefined) {
    const again = files.filter((f) => f !== '-');
    if (again.length < files.length || files.length === 0) notes.push({ kind: 'stdin-not-read-again' });
    if (again.length === 0) return [];
    const ids = new Set<string>(wanted);
    const loaded = await loadTraces(
      { files: again, inputFormat: select.inputFormat, stdinIsTTY: true, stdin: ctx.io.stdin },
      { warn: ctx.warn, onlyTraces: (id) => ids.has(id) },
      // An input that could not be read was said so, and left out, on the first read.
      () => {},
    );
    for (const trace of loaded.traces) found.set(trace.traceId, trace);
  } else {
    try {
      // One at a time: a few dozen traces, and the backend was just asked for all of them.
      for (const id of wanted) {
        try {
          found.set(id, await fetchTrace(backend, id, undefined, { warn: ctx.warn }));
        } catch (error) {
          if (!(error instanceof SourceError)) throw error;
        }
      }
    } finally {
      await backend.close();
    }
  }
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length > 0 && !notes.some((n) => n.kind === 'stdin-not-read-again'))
    notes.push({ kind: 'traces-not-found', traceIds: missing });
  return wanted.flatMap((id) => found.get(id) ?? []);
}

function notFound(notes: readonly DrawingNote[]): number {
  let count = 0;
  for (const note of notes) if (note.kind === 'traces-not-found') count += note.traceIds.length;
  return count;
}
