import { analyzeTrace, type TraceAnalysis } from '../analysis/analyze-trace.js';
import { spanCompactor } from '../analysis/compact-span.js';
import { tracePart } from '../analysis/propagation/check-propagation.js';
import type { PropagationFinding } from '../analysis/propagation/findings.js';
import { PropagationWindow } from '../analysis/propagation/propagation-window.js';
import { byStartThenId, earliestStart } from '../model/collect-traces.js';
import { LiveTraces } from '../model/live-traces.js';
import type { Trace } from '../model/types.js';
import { decodeTraces } from './decode-traces.js';

/** Completed traces kept for the propagation check of the next ones: a split's halves arrive apart. */
const RECENT_TRACES = 200;
const NO_EXTERNAL = { external: new Set<string>() };

/** A trace that has completed, analysed, with the propagation findings that name it. */
export interface CompletedTrace {
  readonly trace: Trace;
  readonly analysis: TraceAnalysis;
  readonly findings: readonly PropagationFinding[];
}

/**
 * What `receive` works out as exports arrive: spans gathered into traces (LiveTraces), each trace
 * analysed once it is complete, and checked for propagation together with the last RECENT_TRACES
 * completed (PropagationWindow: each trace's part worked out once, added and later taken back).
 */
export class LiveCheck {
  readonly #live: LiveTraces;
  readonly #compact = spanCompactor();
  readonly #window = new PropagationWindow(RECENT_TRACES);

  constructor(
    options: { readonly idleMs: number; readonly maxPendingSpans: number },
    private readonly warn: (message: string) => void,
  ) {
    this.#live = new LiveTraces(options.idleMs, options.maxPendingSpans);
  }

  /**
   * One export request, decoded (an InputError for one otrace cannot read: refuse it) and its
   * spans added; returns how many.
   */
  accept(document: unknown, from: string, now: number): number {
    const traces = decodeTraces(document, from, {
      warn: this.warn,
      inputFormat: 'otlp',
      compact: this.#compact,
    });
    const spans = traces.flatMap((t) => t.spans);
    this.#live.add(spans, now);
    return spans.length;
  }

  /** The traces complete at `now` (all of them, at the end), analysed and checked, in trace order. */
  takeComplete(now: number, all = false): CompletedTrace[] {
    const traces = this.#live
      .takeComplete(now, all)
      .map((trace) => ({ trace, start: earliestStart(trace), traceId: trace.traceId }))
      .sort(byStartThenId)
      .map(({ trace }) => trace);
    if (traces.length === 0) return [];
    const analyses = traces.map((trace) => analyzeTrace(trace, { limits: [] }));
    const findings = this.#window.add(
      analyses.map((analysis, i) => ({
        start: earliestStart(traces[i]!),
        part: tracePart(analysis.tree, NO_EXTERNAL, 'all'),
      })),
    );
    return traces.map((trace, i) => ({
      trace,
      analysis: analyses[i]!,
      findings: findings.get(trace.traceId) ?? [],
    }));
  }

  get pendingSpans(): number {
    return this.#live.pendingSpans;
  }

  /** Traces taken before they were idle, to stay under the span limit. */
  get completedEarly(): number {
    return this.#live.completedEarly;
  }
}
