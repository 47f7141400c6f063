import type { Span, Trace, TraceId } from './types.js';

interface Pending {
  readonly spans: Span[];
  lastArrival: number;
}

/**
 * Traces assembled as their spans arrive (`otrace receive`). A trace is complete when none of its
 * spans has arrived for `idleMs`. At most `maxSpans` spans wait at once: past that the traces
 * that have waited longest are completed early, and the caller is told how many, so memory stays
 * bounded under load without anything vanishing silently.
 */
export class LiveTraces {
  readonly #pending = new Map<TraceId, Pending>();
  #spans = 0;
  #completedEarly = 0;

  constructor(
    readonly idleMs: number,
    readonly maxSpans: number,
  ) {}

  get pendingSpans(): number {
    return this.#spans;
  }

  /** Traces completed before their idle time because too many spans were waiting. */
  get completedEarly(): number {
    return this.#completedEarly;
  }

  add(spans: readonly Span[], now: number): void {
    for (const span of spans) {
      let entry = this.#pending.get(span.traceId);
      if (!entry) {
        entry = { spans: [], lastArrival: now };
        this.#pending.set(span.traceId, entry);
      }
      entry.spans.push(span);
      // Move to the end: the map stays in order of last arrival.
      this.#pending.delete(span.traceId);
      this.#pending.set(span.traceId, entry);
      entry.lastArrival = now;
      this.#spans++;
    }
  }

  /** Traces idle for `idleMs` (or all with `everything`), oldest first; they are forgotten here. */
  takeComplete(now: number, everything = false): Trace[] {
    const out: Trace[] = [];
    for (const [traceId, entry] of this.#pending) {
      const overFull = this.#spans > this.maxSpans;
      if (!everything && !overFull && now - entry.lastArrival < this.idleMs) break;
      if (!everything && overFull && now - entry.lastArrival < this.idleMs) this.#completedEarly++;
      this.#pending.delete(traceId);
      this.#spans -= entry.spans.length;
      out.push({ traceId, spans: entry.spans, warnings: [] });
    }
    return out;
  }
}
