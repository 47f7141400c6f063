import type { Span } from '../model/types.js';
import { GRPC_CODE_NAMES, grpcStatusCode, httpStatusCode, isTrue } from './attributes.js';
import { extractExceptions } from './exceptions.js';

/** Why a span counts as failed. Data, not prose: the wording lives in render/. */
export type ErrorReason =
  | { readonly source: 'status'; readonly message: string }
  | { readonly source: 'error-tag' }
  | { readonly source: 'http-status'; readonly code: number }
  | { readonly source: 'grpc-status'; readonly code: number; readonly name: string }
  | { readonly source: 'exception'; readonly type: string };

/** gRPC codes that a SERVER span counts as errors (semantic conventions); a client counts every non-zero code. */
const GRPC_SERVER_ERRORS = new Set([2, 4, 12, 13, 14, 15]);

/**
 * The failure verdict of one span. An explicit OK status is final (the instrumentation said so);
 * otherwise the first of: ERROR status, `error=true` tag (also the string "true", as Envoy and
 * non-OTel tracers write it), HTTP 5xx (4xx only on CLIENT spans), a failing gRPC code, a
 * recorded exception.
 */
export function detectError(span: Span): ErrorReason | undefined {
  if (span.status.code === 'ok') return undefined;
  if (span.status.code === 'error') return { source: 'status', message: span.status.message };
  if (isTrue(span.attributes.error)) return { source: 'error-tag' };
  const http = httpStatusCode(span);
  if (http !== undefined && (http >= 500 || (http >= 400 && span.kind === 'client'))) {
    return { source: 'http-status', code: http };
  }
  const grpc = grpcStatusCode(span);
  if (grpc !== undefined && grpc !== 0 && (span.kind !== 'server' || GRPC_SERVER_ERRORS.has(grpc))) {
    return { source: 'grpc-status', code: grpc, name: GRPC_CODE_NAMES[grpc] ?? String(grpc) };
  }
  // Instrumentation that records an exception but leaves the status unset (a common omission in
  // hand-written spans) still failed; an explicit OK above means the exception was handled.
  const exception = span.events.length > 0 ? extractExceptions(span)[0] : undefined;
  if (exception) return { source: 'exception', type: exception.type };
  return undefined;
}
