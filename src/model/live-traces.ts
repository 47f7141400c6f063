import type { Span, Trace, TraceId } from './types.js';

interface Pending {
  readonly spans: Span[];
  lastArrival: number;
  hasRoot: boolean;
}

/**
 * Traces assembled as their spans arrive (`otrace receive`). A trace is complete when none of its
 * spans has arrived for `idleMs`, or for `rootlessIdleMs` while its root has not arrived: a
 * service exports a span as soon as it ends, and the root ends last, so a slow request shows
 * its early children long before the rest. At most `maxSpans` spans wait at once: past that the traces
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
    readonly rootlessIdleMs: number = idleMs * 10,
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
        entry = { spans: [], lastArrival: now, hasRoot: false };
        this.#pending.set(span.traceId, entry);
      }
      entry.spans.push(span);
      // Move to the end: the map stays in order of last arrival.
      this.#pending.delete(span.traceId);
      this.#pending.set(span.traceId, entry);
      entry.lastArrival = now;
      if (span.parentSpanId === undefined) entry.hasRoot = true;
      this.#spans++;
    }
  }

  /** Traces idle for `idleMs` (or all with `everything`), oldest first; they are forgotten here. */
  takeComplete(now: number, everything = false): Trace[] {
    const out: Trace[] = [];
    // In order of last arrival: the ones that have waited longest come first.
    for (const [traceId, entry] of this.#pending) {
      const overFull = this.#spans > this.maxSpans;
      const idle = now - entry.lastArrival >= (entry.hasRoot ? this.idleMs : this.rootlessIdleMs);
      if (!everything && !overFull && !idle) {
        if (now - entry.lastArrival < this.idleMs) break; // nothing later can be idle either
        continue;
      }
      if (!everything && overFull && !idle) this.#completedEarly++;
      this.#pending.delete(traceId);
      this.#spans -= entry.spans.length;
      out.push({ traceId, spans: entry.spans, warnings: [] });
    }
    return out;
  }
}
