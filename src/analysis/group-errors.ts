import { median, sortedAscending } from '../model/stats.js';
import type { Nanos, TraceId } from '../model/types.js';
import { ERROR_CLASSES, type ErrorClass, type ErrorRecord, type FailurePoint } from './error-records.js';
import { normalizeMessage } from './normalize-message.js';

/** `all` keys groups by service, operation, error type and normalised message together. */
export const GROUP_BY = ['all', 'service', 'operation', 'exception'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

const DIMENSIONS = {
  all: { service: true, operation: true, exception: true },
  service: { service: true, operation: false, exception: false },
  operation: { service: true, operation: true, exception: false },
  exception: { service: false, operation: false, exception: true },
} as const satisfies Record<GroupBy, { service: boolean; operation: boolean; exception: boolean }>;

export interface ErrorGroup {
  /** The grouping dimensions; undefined where `--group-by` leaves one out. */
  readonly service: string | undefined;
  readonly operation: string | undefined;
  readonly errorType: string | undefined;
  readonly message: string | undefined;
  readonly errorClass: ErrorClass;
  readonly where: ErrorRecord['where'];
  readonly count: number;
  /** Traces with at least one span in the group. */
  readonly traces: number;
  readonly timedOut: number;
  readonly firstSeen: Nanos;
  readonly lastSeen: Nanos;
  readonly p50: Nanos;
  readonly max: Nanos;
  /** For propagated and recovered failures: where most of them started. */
  readonly origin: (FailurePoint & { readonly count: number }) | undefined;
  /** Up to EXAMPLES trace ids, most recent first: paste one into `otrace show`. */
  readonly examples: readonly TraceId[];
}

/** The origin most failing traces go back to. */
export interface TopOrigin {
  readonly point: FailurePoint;
  readonly traces: number;
  /** Of the traces with an unrecovered failure (of the service in view, if any). */
  readonly failingTraces: number;
}

export interface ErrorReport {
  readonly service: string | undefined;
  readonly groupBy: GroupBy;
  readonly tracesAnalysed: number;
  readonly tracesWithErrors: number;
  readonly errorSpans: number;
  /** By count, then traces, most first. */
  readonly groups: readonly ErrorGroup[];
  /** Undefined when no origin goes back to more failing traces than every other (a tie, or each once). */
  readonly topOrigin: TopOrigin | undefined;
  /** Distinct origins the failing traces go back to. */
  readonly origins: number;
}

const EXAMPLES = 3;

interface GroupState {
  readonly first: ErrorRecord;
  readonly message: string | undefined;
  count: number;
  timedOut: number;
  readonly traces: Set<TraceId>;
  firstSeen: Nanos;
  lastSeen: Nanos;
  readonly durations: bigint[];
  readonly origins: Map<string, { point: FailurePoint; count: number }>;
  /** Most recent first, distinct. */
  examples: { traceId: TraceId; start: Nanos }[];
}

/**
 * Adds up error records trace by trace, so that a trace's spans can be dropped once its records
 * are taken: memory grows with the failing spans, not with the input.
 */
export class ErrorAccumulator {
  readonly #groupBy: GroupBy;
  readonly #service: string | undefined;
  readonly #groups = new Map<string, GroupState>();
  readonly #originTraces = new Map<string, { point: FailurePoint; traces: number }>();
  #traces = 0;
  #tracesWithErrors = 0;
  #failingTraces = 0;
  #errorSpans = 0;

  constructor(groupBy: GroupBy, service: string | undefined) {
    this.#groupBy = groupBy;
    this.#service = service;
  }

  /** The records of one trace (possibly none: the trace still counts as analysed). */
  addTrace(records: readonly ErrorRecord[]): void {
    this.#traces++;
    if (records.length === 0) return;
    this.#tracesWithErrors++;
    this.#errorSpans += records.length;
    for (const record of records) this.#addRecord(record);
    this.#addOrigins(records);
  }

  report(): ErrorReport {
    const dims = DIMENSIONS[this.#groupBy];
    const groups = [...this.#groups.values()].map((g): ErrorGroup => {
      const sorted = sortedAscending(g.durations);
      const origin = [...g.origins.values()].sort(
        (a, b) => b.count - a.count || compareText(pointKey(a.point), pointKey(b.point)),
      )[0];
      return {
        service: dims.service ? g.first.service : undefined,
        operation: dims.operation ? g.first.operation : undefined,
        errorType: dims.exception ? g.first.errorType : undefined,
        message: g.message,
        errorClass: g.first.errorClass,
        where: g.first.where,
        count: g.count,
        traces: g.traces.size,
        timedOut: g.timedOut,
        firstSeen: g.firstSeen,
        lastSeen: g.lastSeen,
        p50: median(sorted)! as Nanos,
        max: sorted[sorted.length - 1]! as Nanos,
        origin: origin ? { ...origin.point, count: origin.count } : undefined,
        examples: g.examples.map((e) => e.traceId),
      };
    });
    // Fully ordered, so that the same traces give the same report whatever order they came in.
    groups.sort((a, b) => b.count - a.count || b.traces - a.traces || compareText(groupKey(a), groupKey(b)));
    const ranked = [...this.#originTraces.values()].sort(
      (a, b) => b.traces - a.traces || compareText(pointKey(a.point), pointKey(b.point)),
    );
    // An origin is crowned only where it stands out: more failing traces than any other.
    const top =
      ranked.length === 1 || (ranked[0] && ranked[0].traces > ranked[1]!.traces) ? ranked[0] : undefined;
    return {
      service: this.#service,
      groupBy: this.#groupBy,
      tracesAnalysed: this.#traces,
      tracesWithErrors: this.#tracesWithErrors,
      errorSpans: this.#errorSpans,
      groups,
      topOrigin: top
        ? { point: top.point, traces: top.traces, failingTraces: this.#failingTraces }
        : undefined,
      origins: ranked.length,
    };
  }

  #addRecord(record: ErrorRecord): void {
    const dims = DIMENSIONS[this.#groupBy];
    const message = dims.exception ? normalizeMessage(record.message) : undefined;
    const key = [
      record.errorClass,
      record.where ?? '',
      dims.service ? record.service : '',
      dims.operation ? record.operation : '',
      dims.exception ? record.errorType : '',
      message ?? '',
    ].join('\u0000');
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        first: record,
        message,
        count: 0,
        timedOut: 0,
        traces: new Set(),
        firstSeen: record.start,
        lastSeen: record.start,
        durations: [],
        origins: new Map(),
        examples: [],
      };
      this.#groups.set(key, group);
    }
    group.count++;
    if (record.timedOut) group.timedOut++;
    group.traces.add(record.traceId);
    if (record.start < group.firstSeen) group.firstSeen = record.start;
    if (record.start > group.lastSeen) group.lastSeen = record.start;
    group.durations.push(record.duration);
    if (record.origin) {
      const originKey = pointKey(record.origin);
      const seen = group.origins.get(originKey);
      if (seen) {
        seen.count++;
        seen.point = withSmallerPeer(seen.point, record.origin);
      } else group.origins.set(originKey, { point: record.origin, count: 1 });
    }
    if (!group.examples.some((e) => e.traceId === record.traceId)) {
      group.examples.push({ traceId: record.traceId, start: record.start });
      group.examples.sort((a, b) => (a.start > b.start ? -1 : a.start < b.start ? 1 : 0));
      if (group.examples.length > EXAMPLES) group.examples.length = EXAMPLES;
    }
  }

  /**
   * Per trace, the one origin its failure goes back to: that of the topmost unrecovered failing
   * span (the service's own, with a service in view). Records come in tree order, so the first
   * one in scope is the topmost. Each failing trace counts once, so the shares add up to 100%.
   */
  #addOrigins(records: readonly ErrorRecord[]): void {
    const top = records.find(
      (r) => r.errorClass !== 'recovered' && (this.#service === undefined || r.where === 'in-service'),
    );
    if (!top) return;
    this.#failingTraces++;
    const point = top.origin ?? {
      service: top.service,
      operation: top.operation,
      errorType: top.errorType,
      peer: top.peer,
    };
    const key = pointKey(point);
    const seen = this.#originTraces.get(key);
    if (seen) {
      seen.traces++;
      seen.point = withSmallerPeer(seen.point, point);
    } else this.#originTraces.set(key, { point, traces: 1 });
  }
}

/** The peer is not part of an origin's identity (pods change addresses): one is kept, the same whatever the order. */
function pointKey(point: FailurePoint): string {
  return `${point.service}\u0000${point.operation}\u0000${point.errorType}`;
}

function withSmallerPeer(kept: FailurePoint, other: FailurePoint): FailurePoint {
  if (other.peer === undefined || (kept.peer !== undefined && kept.peer <= other.peer)) return kept;
  return { ...kept, peer: other.peer };
}

/** Ties go to origins and timeouts first: that is where failures start. */
function groupKey(g: ErrorGroup): string {
  return [ERROR_CLASSES.indexOf(g.errorClass), g.where, g.service, g.operation, g.errorType, g.message]
    .map((p) => p ?? '')
    .join('\u0000');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
