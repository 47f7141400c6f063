import type { SpanSink } from './span-sink.js';
import type { Nanos, Span, Trace, TraceId } from './types.js';

/**
 * Groups decoded spans by trace id, across lines and files: a Collector export spreads one trace
 * over many lines, children often before their parents.
 */
export class TraceCollector implements SpanSink {
  private readonly byId = new Map<TraceId, { spans: Span[]; warnings: string[] }>();

  readonly keepAttributes: ReadonlySet<string> | undefined;
  /** Ids of the traces whose spans `accept` turned away. */
  readonly #turnedAway = new Set<TraceId>();
  /** While a file is read all or nothing (`begin`): each touched trace's state before it. */
  #journal: Map<TraceId, { spans: number; warnings: number } | 'new'> | undefined;
  #turnedAwayBefore = 0;

  /**
   * `keep` may trade a span for a smaller one (commands over many traces keep less of each); its
   * `keep` set, when it has one, tells decoders which attributes are worth decoding at all.
   * `accept` says which traces to hold at all (show <id> on a big export holds one).
   */
  constructor(
    private readonly keep: ((span: Span) => Span) & { readonly keep?: ReadonlySet<string> } = (span) => span,
    private readonly accept: (traceId: TraceId) => boolean = () => true,
  ) {
    this.keepAttributes = keep.keep;
  }

  span(span: Span): void {
    if (!this.accept(span.traceId)) {
      this.#turnedAway.add(span.traceId);
      return;
    }
    this.entry(span.traceId).spans.push(this.keep(span));
  }

  /** From here, what is added can be taken back (`rollback`) or kept (`commit`): one file all or nothing. */
  begin(): void {
    this.#journal = new Map();
    this.#turnedAwayBefore = this.#turnedAway.size;
  }

  commit(): void {
    this.#journal = undefined;
  }

  /** Takes back every span and warning added since `begin`. */
  rollback(): void {
    const journal = this.#journal;
    if (!journal) return;
    this.#journal = undefined;
    for (const [traceId, before] of journal) {
      if (before === 'new') {
        this.byId.delete(traceId);
        continue;
      }
      const entry = this.byId.get(traceId)!;
      entry.spans.length = before.spans;
      entry.warnings.length = before.warnings;
    }
    // Turned-away ids are only counted: those added since `begin` are the last ones in the set.
    let drop = this.#turnedAway.size - this.#turnedAwayBefore;
    for (const traceId of [...this.#turnedAway].reverse()) {
      if (drop-- <= 0) break;
      this.#turnedAway.delete(traceId);
    }
  }

  /** Traces seen but not held, because `accept` turned them away. */
  get tracesTurnedAway(): number {
    return this.#turnedAway.size;
  }

  traceWarning(traceId: TraceId, message: string): void {
    const warnings = this.entry(traceId).warnings;
    if (!warnings.includes(message)) warnings.push(message);
  }

  get spanCount(): number {
    let count = 0;
    for (const entry of this.byId.values()) count += entry.spans.length;
    return count;
  }

  /** Traces ordered by their earliest span start, then id. */
  traces(): Trace[] {
    const out: Trace[] = [];
    for (const [traceId, { spans, warnings }] of this.byId) {
      if (spans.length > 0) out.push({ traceId, spans, warnings });
    }
    const keyed = out.map((trace) => ({ trace, traceId: trace.traceId, start: earliestStart(trace) }));
    return keyed.sort(byStartThenId).map((k) => k.trace);
  }

  private entry(traceId: TraceId): { spans: Span[]; warnings: string[] } {
    let entry = this.byId.get(traceId);
    if (!entry) {
      entry = { spans: [], warnings: [] };
      this.byId.set(traceId, entry);
      this.#journal?.set(traceId, 'new');
    } else if (this.#journal && !this.#journal.has(traceId)) {
      this.#journal.set(traceId, { spans: entry.spans.length, warnings: entry.warnings.length });
    }
    return entry;
  }
}

/** The earliest start among a trace's spans: what orders traces. */
export function earliestStart(trace: Trace): Nanos {
  let min = trace.spans[0]!.start;
  for (const span of trace.spans) if (span.start < min) min = span.start;
  return min;
}

/** Newest first (what a search lists): the order of traces everywhere, reversed. */
export function newestFirst<T>(
  items: readonly T[],
  keyOf: (item: T) => Parameters<typeof byStartThenId>[0],
): T[] {
  return items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => byStartThenId(b.key, a.key))
    .map((entry) => entry.item);
}

/** The order of traces everywhere: earliest start, then id. */
export function byStartThenId(
  a: { readonly start: bigint; readonly traceId: TraceId },
  b: { readonly start: bigint; readonly traceId: TraceId },
): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  return a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0;
}
