import type { Nanos, Span } from '../model/types.js';
import { NANOS_PER_MILLI, spanDuration } from '../model/units.js';
import { attributeString, grpcStatusCode, httpStatusCode, isGrpcSpan } from './attributes.js';
import type { ExceptionInfo } from './exceptions.js';

/** Why a span is judged to have run into a time limit. */
export type TimeoutReason =
  | { readonly source: 'http-status'; readonly code: 504 | 408 }
  | { readonly source: 'grpc-deadline-exceeded' }
  | { readonly source: 'error-type'; readonly value: string }
  | { readonly source: 'proxy-flag'; readonly flags: string }
  | { readonly source: 'exception'; readonly type: string; readonly message: string }
  | { readonly source: 'status-message'; readonly message: string }
  | { readonly source: 'limit'; readonly limitMs: number }
  | { readonly source: 'round-limit'; readonly limitMs: number };

export interface TimeoutOptions {
  /** Limits known to the user (`--timeout 5s`): a span that lasted at least this long ran into one. */
  readonly limits: readonly Nanos[];
}

/**
 * Words that mean "a time limit fired" in exception types and messages across runtimes:
 * TimeoutError, ReadTimeout, SocketTimeoutException, UND_ERR_HEADERS_TIMEOUT ("timeout");
 * "timed out"; ETIMEDOUT; Go's "context deadline exceeded" / gRPC DEADLINE_EXCEEDED ("deadline");
 * .NET's TaskCanceledException; DOMException "aborted due to timeout" (Node fetch with AbortSignal.timeout).
 */
export const TIMEOUT_WORDS = /time[ _-]?out|timed[ _-]?out|deadline[ _-]?exceeded|TaskCanceledException/i;

/** Envoy response flags: UT upstream request timeout, SI stream idle timeout, DT max duration. */
const ENVOY_TIMEOUT_FLAGS = /(^|,)(UT|SI|DT)(,|$)/;

/** Round limits that client libraries and proxies default to. */
const ROUND_LIMITS_MS = [1000, 2000, 3000, 5000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000] as const;

/**
 * Timeouts the span's own data states: status codes, flags, exception types and messages.
 * Holds for any span, whatever its children did.
 */
export function detectStatedTimeout(
  span: Span,
  exceptions: readonly ExceptionInfo[],
): TimeoutReason | undefined {
  const http = httpStatusCode(span);
  if (http === 504 || http === 408) return { source: 'http-status', code: http };
  if (isGrpcSpan(span) && grpcStatusCode(span) === 4) return { source: 'grpc-deadline-exceeded' };
  const errorType = attributeString(span.attributes, 'error.type');
  if (errorType && TIMEOUT_WORDS.test(errorType)) return { source: 'error-type', value: errorType };
  const flags = attributeString(span.attributes, 'response_flags', 'envoy.response_flags');
  if (flags && ENVOY_TIMEOUT_FLAGS.test(flags)) return { source: 'proxy-flag', flags };
  for (const exception of exceptions) {
    if (TIMEOUT_WORDS.test(exception.type) || TIMEOUT_WORDS.test(exception.message)) {
      return { source: 'exception', type: exception.type, message: exception.message };
    }
    // Node gRPC records the status code as the exception type: "4" is DEADLINE_EXCEEDED.
    if (exception.type === '4' && isGrpcSpan(span)) return { source: 'grpc-deadline-exceeded' };
  }
  if (span.status.message !== '' && TIMEOUT_WORDS.test(span.status.message)) {
    return { source: 'status-message', message: span.status.message };
  }
  return undefined;
}

/** Timers fire a little late, never early: 1% under the limit for clock granularity; over it, 2% or 50 ms. */
function ranIntoLimit(duration: bigint, limit: bigint): boolean {
  const slack = (limit * 2n) / 100n > 50n * NANOS_PER_MILLI ? (limit * 2n) / 100n : 50n * NANOS_PER_MILLI;
  return duration * 100n >= limit * 99n && duration <= limit + slack;
}

/**
 * Timeouts read from the duration alone. Only asked of spans whose failure no failing child
 * explains: the caller of a span that hit 5 s lasts 5.1 s too, and it did not hit the limit itself.
 *   - a limit the user named (`--timeout 5s`): the span lasted (just about) that long;
 *   - a failed span that lasted just past a round limit almost certainly hit it. Only failures
 *     (plenty of healthy work takes 1.0 s), and only when nothing else explains the failure.
 */
export function detectDurationTimeout(
  span: Span,
  exceptions: readonly ExceptionInfo[],
  failed: boolean,
  options: TimeoutOptions,
): TimeoutReason | undefined {
  const duration = spanDuration(span);
  for (const limit of options.limits) {
    if (ranIntoLimit(duration, limit)) return { source: 'limit', limitMs: Number(limit) / 1e6 };
  }
  if (!failed || !failureLeftUnexplained(span, exceptions)) return undefined;
  for (const ms of ROUND_LIMITS_MS) {
    if (ranIntoLimit(duration, BigInt(ms) * NANOS_PER_MILLI) && duration >= BigInt(ms) * NANOS_PER_MILLI) {
      return { source: 'round-limit', limitMs: ms };
    }
  }
  return undefined;
}

/**
 * Connection-level failures are what a client keeps retrying until its deadline ("Connection
 * refused" after exactly 5.0 s); an auth or validation error at 2.0 s says why it failed by itself.
 */
const CONNECTION_WORDS =
  /refused|reset|unreachable|ECONN|EHOST|ENETUNREACH|EAI_AGAIN|socket hang up|broken pipe|UNAVAILABLE|closed/i;

function failureLeftUnexplained(span: Span, exceptions: readonly ExceptionInfo[]): boolean {
  const said = [span.status.message, ...exceptions.flatMap((e) => [e.type, e.message])].filter(
    (s) => s !== '',
  );
  return said.length === 0 || said.some((s) => CONNECTION_WORDS.test(s));
}
