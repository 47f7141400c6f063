import type { Nanos, Span, SpanId, SpanNode, Trace, TraceId } from '../model/types.js';
import { spanDuration } from '../model/units.js';
import { type AnalysisOptions, analyzeFailures, type TraceAnalysis } from './analyze-trace.js';
import { attributeString, httpStatusCode } from './attributes.js';
import { peerOf } from './peers.js';
import { mayHaveFailures, type SpanFacts } from './span-facts.js';

/**
 * `origin`: the span's failure is its own (no failing descendant explains it).
 * `timeout`: an origin that timed out, or the slow span behind a timeout a proxy masked.
 * `propagated`: it failed because a descendant failed (see `origin` on the record).
 * `recovered`: it failed, but an ancestor retried or handled it.
 */
export const ERROR_CLASSES = ['origin', 'timeout', 'propagated', 'recovered'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** What failed, in a few words: the span's service, operation and error type. */
export interface FailurePoint {
  readonly service: string;
  readonly operation: string;
  readonly errorType: string;
  /** For a CLIENT or PRODUCER span: what it called (peer.service, server.address:port…). */
  readonly peer: string | undefined;
}

/** One failing span, compact: all that `errors` keeps of a trace once it is analysed. */
export interface ErrorRecord extends FailurePoint {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly errorClass: ErrorClass;
  /** The exception message, else the status message; raw (normalise to group). */
  readonly message: string;
  readonly timedOut: boolean;
  readonly start: Nanos;
  readonly duration: Nanos;
  /** Where the failure started, for propagated and recovered spans whose failure came from below. */
  readonly origin: FailurePoint | undefined;
  /**
   * With a service in view: `in-service` for its own spans, `downstream` for spans of other
   * services under one of its failing spans (it saw them through its calls).
   */
  readonly where: 'in-service' | 'downstream' | undefined;
}

/**
 * The failing spans of one analysed trace, each classified, plus the slow spans behind masked
 * timeouts (they did not fail, but they are where the timeout comes from). With `service`, only
 * that service's failures and those it saw through its failing calls.
 */
export function collectErrorRecords(
  analysis: Pick<TraceAnalysis, 'tree' | 'facts'>,
  service: string | undefined,
): ErrorRecord[] {
  const { tree, facts } = analysis;
  const nodes = tree.nodes;
  const seenBy = service === undefined ? undefined : findSeenBy(nodes, facts, service);
  // A timed-out origin whose slow span was found: the timeout is reported at the slow span.
  const slowSpanOf = new Map<number, number>();
  facts.forEach((f, i) => {
    if (f.slowBehind) slowSpanOf.set(f.slowBehind.index, i);
  });
  const originOf = findOrigins(nodes, facts, slowSpanOf);

  const records: ErrorRecord[] = [];
  for (const node of nodes) {
    const i = node.index;
    const f = facts[i]!;
    const isSlowSpan = f.slowBehind !== undefined;
    if (!f.failed && !isSlowSpan) continue;
    const where =
      service === undefined
        ? undefined
        : node.span.service === service
          ? 'in-service'
          : seenBy![i]
            ? 'downstream'
            : undefined;
    if (service !== undefined && where === undefined) continue;
    const originIndex = originOf[i]!;
    let errorClass: ErrorClass;
    if (f.recoveredBy) errorClass = 'recovered';
    else if (isSlowSpan || (originIndex === i && f.timeout)) errorClass = 'timeout';
    else if (originIndex === i) errorClass = 'origin';
    else errorClass = 'propagated';
    records.push({
      traceId: tree.traceId,
      spanId: node.span.spanId,
      service: node.span.service,
      operation: node.span.name,
      errorType: errorTypeOf(node.span, f, isSlowSpan),
      peer: peerOfCaller(node),
      message: messageOf(node, f, isSlowSpan ? f.slowBehind : undefined),
      errorClass,
      timedOut: f.timeout !== undefined || isSlowSpan,
      start: node.span.start,
      duration: spanDuration(node.span),
      origin: originIndex === i ? undefined : pointOf(nodes[originIndex]!, facts[originIndex]!),
      where,
    });
  }
  return records;
}

/** Pre-order: whether some ancestor of `service` failed, so that it saw what failed below. */
function findSeenBy(nodes: readonly SpanNode[], facts: readonly SpanFacts[], service: string): boolean[] {
  const seen = new Array<boolean>(nodes.length).fill(false);
  for (const node of nodes) {
    const parent = node.parent;
    if (parent)
      seen[node.index] =
        seen[parent.index]! || (parent.span.service === service && facts[parent.index]!.failed);
  }
  return seen;
}

/**
 * For each failing span, the span its failure started at: itself for an origin, else the origin
 * reached through its failing children (a timeout first, then the one that ended first: the
 * failure that reached it first). A timed-out origin that masks a slow span points at that span.
 * One reverse pre-order sweep: every child is settled before its parent.
 */
function findOrigins(
  nodes: readonly SpanNode[],
  facts: readonly SpanFacts[],
  slowSpanOf: ReadonlyMap<number, number>,
): number[] {
  const origin = nodes.map((n) => n.index);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!facts[i]!.failed) continue;
    let best: SpanNode | undefined;
    for (const child of nodes[i]!.children) {
      if (!facts[child.index]!.failed) continue;
      if (!best || rankBefore(child, best, facts)) best = child;
    }
    origin[i] = best ? origin[best.index]! : (slowSpanOf.get(i) ?? i);
  }
  return origin;
}

function rankBefore(a: SpanNode, b: SpanNode, facts: readonly SpanFacts[]): boolean {
  const aTimeout = facts[a.index]!.timeout !== undefined;
  const bTimeout = facts[b.index]!.timeout !== undefined;
  if (aTimeout !== bTimeout) return aTimeout;
  return a.span.end < b.span.end;
}

function pointOf(node: SpanNode, f: SpanFacts): FailurePoint {
  return {
    service: node.span.service,
    operation: node.span.name,
    errorType: errorTypeOf(node.span, f, f.slowBehind !== undefined),
    peer: peerOfCaller(node),
  };
}

function peerOfCaller(node: SpanNode): string | undefined {
  return node.span.kind === 'client' || node.span.kind === 'producer' ? peerOf(node.span) : undefined;
}

/** The exception type (the last one recorded: what finally failed the span), else what stands for one. */
function errorTypeOf(span: Span, f: SpanFacts, isSlowSpan: boolean): string {
  if (isSlowSpan) return 'slow span behind a timeout';
  const exception = f.exceptions[f.exceptions.length - 1];
  if (exception && exception.type !== '') return exception.type;
  // The semantic conventions' error.type, unless it is only an HTTP status code or "_OTHER".
  const declared = attributeString(span.attributes, 'error.type');
  if (declared !== undefined && declared !== '_OTHER' && !/^\d+$/.test(declared)) return declared;
  const reason = f.error;
  if (reason?.source === 'grpc-status') return `gRPC ${reason.name}`;
  // A SERVER span with status ERROR usually also says which HTTP status it answered.
  const http = httpStatusCode(span);
  if (http !== undefined && http >= 400) return `HTTP ${http}`;
  if (f.timeout) return 'timeout';
  if (reason?.source === 'error-tag') return 'error=true';
  return 'error';
}

function messageOf(node: SpanNode, f: SpanFacts, timedOut: SpanNode | undefined): string {
  if (timedOut) return `still running when ${timedOut.span.name} (${timedOut.span.service}) timed out`;
  const exception = f.exceptions[f.exceptions.length - 1];
  if (exception && exception.message !== '') return exception.message;
  return node.span.status.message;
}

/** What `errors --fail-on` counts against the run. */
export const ERRORS_FAIL_ON = ['any', 'origin'] as const;
export type ErrorsFailOn = (typeof ERRORS_FAIL_ON)[number];

/**
 * `any`: every failure that was not recovered. `origin`: failures that started where they are
 * (origins and timeouts), of the service in view when there is one. Recovered failures are
 * reported but never fail the run, as with `show`. Takes a record or a group of them alike.
 */
export function countsAgainstRun(
  failure: { readonly errorClass: ErrorClass; readonly where: ErrorRecord['where'] },
  failOn: ErrorsFailOn,
): boolean {
  if (failure.errorClass === 'recovered') return false;
  if (failOn === 'any') return true;
  return (
    (failure.errorClass === 'origin' || failure.errorClass === 'timeout') && failure.where !== 'downstream'
  );
}

/**
 * The error records of one trace, from the trace itself: a trace in which no span can fail has
 * none, and its tree is not built (see mayHaveFailures).
 */
export function errorRecordsOf(
  trace: Trace,
  options: AnalysisOptions,
  service: string | undefined,
): ErrorRecord[] {
  return mayHaveFailures(trace.spans, options)
    ? collectErrorRecords(analyzeFailures(trace, options), service)
    : [];
}
