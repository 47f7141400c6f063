import type { TraceId } from './types.js';

/** One trace in a line: what `otrace list` shows, from the spans or from a backend's own summary. */
export interface TraceSummary {
  readonly traceId: TraceId;
  readonly start: bigint;
  readonly durationMs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly rootService: string;
  readonly rootName: string;
  /** No span without a parent: the real root has not arrived or was lost. */
  readonly rootMissing: boolean;
  readonly services: readonly string[];
}
