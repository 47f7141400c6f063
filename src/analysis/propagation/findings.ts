import type { SpanId, TraceId } from '../../model/types.js';
import { atOrAbove, type Severity } from '../findings.js';

/**
 * What `check-propagation` finds, as data; render/ words it. Every finding names the span it is
 * about (`traceId`, `spanId`, `service`) and, where there is one, the other side.
 */
export type PropagationFinding =
  | {
      /** A call whose callee started a new trace: `related*` is the callee's root. */
      readonly kind: 'split-trace';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly operation: string;
      /** What the client span says it called (peer.service, host:port…). */
      readonly peer: string | undefined;
      readonly peerService: string;
      readonly relatedTraceId: TraceId;
      readonly relatedSpanId: SpanId;
      readonly relatedOperation: string;
      /**
       * `callee-did-not-extract`: the client called the service that answered, which started a new
       * trace (no or another propagator). `hop-dropped-context`: the client called something else
       * (a proxy, a gateway) that dropped the headers on the way.
       */
      readonly cause: 'callee-did-not-extract' | 'hop-dropped-context';
      /**
       * Other roots that fit the call just as well, with nothing recorded to tell them apart: the
       * callee is one of these and `related*`. Absent when the match is clear.
       */
      readonly alternatives?: readonly { readonly traceId: TraceId; readonly spanId: SpanId }[];
    }
  | {
      /** A call to a service we see spans of, with no span of that service answering it anywhere. */
      readonly kind: 'unanswered-client';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly operation: string;
      readonly peer: string | undefined;
      readonly peerService: string;
    }
  | {
      readonly kind: 'orphan-span';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly operation: string;
      readonly parentSpanId: SpanId;
      /**
       * `remote-parent-not-collected`: a SERVER/CONSUMER span (or one flagged remote) whose caller's
       * span never arrived. `root-not-arrived`: every span hangs off one missing span, the root.
       * `parent-lost`: a local parent missing mid-trace (export gap, sampling, truncation).
       */
      readonly cause: 'remote-parent-not-collected' | 'root-not-arrived' | 'parent-lost';
      /** Spans in the trace with this same missing parent (this one included). */
      readonly siblings: number;
    }
  | {
      /** A new root in a service, inside a span of the same service in another trace. */
      readonly kind: 'context-lost';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly operation: string;
      readonly relatedTraceId: TraceId;
      readonly relatedSpanId: SpanId;
      readonly relatedOperation: string;
    }
  | {
      /** A connected call where the client named a different address than the server it reached. */
      readonly kind: 'hidden-hop';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly operation: string;
      readonly peer: string;
      readonly peerService: string;
      readonly relatedSpanId: SpanId;
      readonly servedAt: string;
    }
  | {
      /** Children outside their parent's interval across one pair of services, aggregated. */
      readonly kind: 'clock-skew';
      readonly traceId: TraceId;
      readonly spanId: SpanId;
      readonly service: string;
      readonly operation: string;
      readonly peerService: string;
      readonly spans: number;
      /** How far the callee's clock seems off (positive: ahead), median over the spans. */
      readonly offsetMs: number;
    };

export type PropagationKind = PropagationFinding['kind'];

export const PROPAGATION_SEVERITY = {
  'split-trace': 'error',
  'context-lost': 'error',
  'unanswered-client': 'warning',
  'orphan-span': 'warning',
  'clock-skew': 'warning',
  'hidden-hop': 'info',
} as const satisfies Record<PropagationKind, Severity>;

/** root-not-arrived is usually spans still on their way, not a break. */
export function severityOf(finding: PropagationFinding): Severity {
  if (finding.kind === 'orphan-span' && finding.cause === 'root-not-arrived') return 'info';
  return PROPAGATION_SEVERITY[finding.kind];
}

/** `--fail-on` of check-propagation and receive: a finding of this severity or worse fails the run. */
export const PROPAGATION_FAIL_ON = ['error', 'warn', 'info'] as const;
export type PropagationFailOn = (typeof PROPAGATION_FAIL_ON)[number];

export const FAIL_ON_SEVERITY = { error: 'error', warn: 'warning', info: 'info' } as const satisfies Record<
  PropagationFailOn,
  Severity
>;

/** Whether the finding fails a run at `failOn`. */
export function failsAt(finding: PropagationFinding, failOn: PropagationFailOn): boolean {
  return atOrAbove(severityOf(finding), FAIL_ON_SEVERITY[failOn]);
}
