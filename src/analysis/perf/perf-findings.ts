import type { SpanId, TraceId } from '../../model/types.js';
import type { CallFamily } from './calls.js';

/**
 * What the performance detectors found, as data (JSON-safe): each names the span that made the
 * calls (`spanId`, its `service` and `name`), the calls themselves (`callSpanIds`), what they
 * have in common (`shape`) and the time that doing it the better way would save (`savedMs`).
 * The wording of each kind lives in render/perf/words.ts.
 */
export type PerfFinding =
  | (PerfFindingBase & {
      /** 5 or more calls of one shape, one after another, under one parent: a query per item. */
      readonly kind: 'n-plus-one';
      readonly family: CallFamily;
      readonly peer: string | undefined;
      readonly totalMs: number;
    })
  | (PerfFindingBase & {
      /** Calls one after another that could have run at once: `shape` lists theirs. */
      readonly kind: 'sequential-calls';
      readonly totalMs: number;
    })
  | (PerfFindingBase & {
      /** The same read, values and all, made more than once in one trace. */
      readonly kind: 'redundant-call';
      readonly family: CallFamily;
      readonly exact: string;
    })
  | (PerfFindingBase & {
      /** A call attempted again and again, each attempt but the last failed. */
      readonly kind: 'retry-storm';
      /** Attempts here times the attempts of retries nested in them: what one request cost. */
      readonly multiplied: number;
    })
  | (PerfFindingBase & {
      /** One span making a hundred calls or more. */
      readonly kind: 'fan-out';
      /** How many shapes the calls have. */
      readonly shapes: number;
    })
  | (PerfFindingBase & {
      /** Calls of one shape run at most `poolSize` at a time, each starting as another ends. */
      readonly kind: 'pool-wait';
      readonly poolSize: number;
    })
  | (PerfFindingBase & {
      /**
       * A call that queued behind calls of the same shape in other requests (a lock, a pool of
       * one): `spanId` is the call itself, `count` how many queued together, `savedMs` its wait.
       */
      readonly kind: 'lock-wait';
      readonly family: CallFamily;
    })
  | {
      /** A call much slower than its shape's median across the traces read. */
      readonly kind: 'slow-call';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly name: string;
      readonly shape: string;
      readonly family: CallFamily;
      readonly durationMs: number;
      readonly medianMs: number;
      readonly samples: number;
      readonly savedMs: number;
    };

interface PerfFindingBase {
  readonly traceId: TraceId;
  /** The span that made the calls. */
  readonly spanId: SpanId;
  readonly service: string;
  readonly name: string;
  /** What the calls share: a statement or route with the values taken out, or the shapes joined. */
  readonly shape: string;
  readonly callSpanIds: readonly SpanId[];
  readonly count: number;
  readonly savedMs: number;
}

export type PerfFindingKind = PerfFinding['kind'];

export const PERF_FINDING_KINDS = [
  'n-plus-one',
  'sequential-calls',
  'redundant-call',
  'retry-storm',
  'fan-out',
  'pool-wait',
  'lock-wait',
  'slow-call',
] as const satisfies readonly PerfFindingKind[];
