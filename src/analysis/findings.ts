import type { SpanId, TraceId } from '../model/types.js';
import type { ExceptionInfo } from './exceptions.js';
import type { ErrorReason } from './span-errors.js';
import type { TimeoutReason } from './timeouts.js';

/**
 * What the analysis found, as data. JSON-safe (no bigint): findings go straight into `--format json`.
 * The wording of each kind lives in one table in render/finding-text.ts.
 */
export type Finding =
  | {
      readonly kind: 'error-origin';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly name: string;
      readonly reason: ErrorReason | undefined;
      readonly timeout: TimeoutReason | undefined;
      readonly exception: ExceptionInfo | undefined;
    }
  | {
      readonly kind: 'recovered-error';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly name: string;
      /** The nearest ancestor that succeeded although this span failed. */
      readonly recoveredBySpanId: SpanId;
    }
  | {
      readonly kind: 'timeout';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly name: string;
      readonly durationMs: number;
      readonly reason: TimeoutReason;
    }
  | {
      readonly kind: 'slow-span-behind-timeout';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly name: string;
      readonly durationMs: number;
      /** The span that gave up waiting for this one. */
      readonly timedOutSpanId: SpanId;
    }
  | {
      readonly kind: 'orphan-span';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly name: string;
      readonly parentSpanId: SpanId;
      /** The flags say the parent was in another process (model/span-flags.ts), which did not send its spans here. */
      readonly remoteParent: boolean;
    }
  | {
      readonly kind: 'duplicate-span-id';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly count: number;
    }
  | { readonly kind: 'parent-cycle'; readonly traceId: TraceId; readonly spanId: SpanId }
  | { readonly kind: 'truncated-trace'; readonly traceId: TraceId; readonly message: string }
  | {
      readonly kind: 'backend-warning';
      readonly traceId: TraceId;
      readonly spanId: SpanId | undefined;
      readonly message: string;
    };

export type FindingKind = Finding['kind'];
export type Severity = 'error' | 'warning' | 'info';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const satisfies Record<Severity, number>;

/** `error` is at or above `warning`, which is at or above `info`: what `--fail-on` compares. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold];
}

export const FINDING_SEVERITY = {
  'error-origin': 'error',
  timeout: 'error',
  'slow-span-behind-timeout': 'error',
  'orphan-span': 'warning',
  'parent-cycle': 'warning',
  'truncated-trace': 'warning',
  'recovered-error': 'info',
  'duplicate-span-id': 'info',
  'backend-warning': 'info',
} as const satisfies Record<FindingKind, Severity>;
