import type { Diagnosis } from '../analysis/diagnose.js';
import type { ExceptionInfo } from '../analysis/exceptions.js';
import type { Finding, FindingKind } from '../analysis/findings.js';
import type { ErrorReason } from '../analysis/span-errors.js';
import { TIMEOUT_WORDS, type TimeoutReason } from '../analysis/timeouts.js';
import { formatDuration } from './format.js';
import { type Quote, TEXT_QUOTE } from './quote.js';

/**
 * The wording of everything the analysis finds, in one place. Every string from span data goes
 * through `q`: escaped, and cut as the text formats cut it unless a JSON document asks for it whole.
 */

const ms = (value: number): string => formatDuration(BigInt(Math.round(value * 1e6)));
const spanLabel = (f: { name: string; service: string }, q: Quote): string =>
  `${q.name(f.name)} (${q.name(f.service)})`;

export function exceptionText(e: ExceptionInfo, q: Quote = TEXT_QUOTE): string {
  const type = q.value(e.type);
  const message = q.value(e.message.split(/\r?\n/)[0] ?? '');
  if (type && message) return `${type}: ${message}`;
  return type || message || 'exception (no type or message)';
}

export function errorReasonText(reason: ErrorReason, q: Quote = TEXT_QUOTE): string {
  switch (reason.source) {
    case 'status':
      return reason.message ? `status ERROR: ${q.value(reason.message)}` : 'status ERROR';
    case 'error-tag':
      return 'error=true';
    case 'http-status':
      return `HTTP ${reason.code}`;
    case 'grpc-status':
      return `gRPC ${reason.name} (${reason.code})`;
    case 'exception':
      return reason.type ? `exception ${q.value(reason.type)}` : 'exception';
  }
}

export function timeoutReasonText(reason: TimeoutReason, q: Quote = TEXT_QUOTE): string {
  switch (reason.source) {
    case 'http-status':
      return reason.code === 504 ? 'HTTP 504 gateway timeout' : 'HTTP 408 request timeout';
    case 'grpc-deadline-exceeded':
      return 'gRPC DEADLINE_EXCEEDED';
    case 'error-type':
      return `error.type=${q.value(reason.value)}`;
    case 'proxy-flag':
      return `proxy response flags ${q.value(reason.flags)}`;
    case 'exception':
      // The words that said "timeout": the type (TimeoutError), else the message, as for Go's
      // errors.New("redis timeout"), whose type `*errors.errorString` says nothing.
      return q.value(
        reason.type && TIMEOUT_WORDS.test(reason.type) ? reason.type : reason.message || reason.type,
      );
    case 'status-message':
      return `status: ${q.value(reason.message)}`;
    case 'limit':
      return `ran into the ${ms(reason.limitMs)} limit`;
    case 'round-limit':
      return `failed just after ${ms(reason.limitMs)}, a common timeout`;
  }
}

const FINDING_TEXT: { [K in FindingKind]: (f: Extract<Finding, { kind: K }>, q: Quote) => string } = {
  'error-origin': (f, q) =>
    `error starts at ${spanLabel(f, q)}: ${f.exception ? exceptionText(f.exception, q) : f.reason ? errorReasonText(f.reason, q) : f.timeout ? timeoutReasonText(f.timeout, q) : 'failed'}`,
  'recovered-error': (f, q) =>
    `${spanLabel(f, q)} failed but its caller ${f.recoveredBySpanId} succeeded (retried or handled)`,
  timeout: (f, q) =>
    `${spanLabel(f, q)} timed out after ${ms(f.durationMs)} (${timeoutReasonText(f.reason, q)})`,
  'slow-span-behind-timeout': (f, q) =>
    `${spanLabel(f, q)} ran ${ms(f.durationMs)}: the slow work behind the timeout of span ${f.timedOutSpanId}`,
  'orphan-span': (f, q) =>
    f.remoteParent
      ? `${spanLabel(f, q)}: its caller ${f.parentSpanId} in another process did not send its spans here`
      : `${spanLabel(f, q)}: parent ${f.parentSpanId} is not in the trace (lost, sampled out, or not arrived yet)`,
  'duplicate-span-id': (f) => `${f.count} spans share the id ${f.spanId}`,
  'parent-cycle': (f) => `span ${f.spanId} is its own ancestor; the loop was cut there`,
  'truncated-trace': (f, q) => `the backend truncated this trace: ${q.value(f.message)}`,
  'backend-warning': (f, q) => `backend warning${f.spanId ? ` on ${f.spanId}` : ''}: ${q.value(f.message)}`,
};

export function findingText(finding: Finding, q: Quote = TEXT_QUOTE): string {
  return (FINDING_TEXT[finding.kind] as (f: Finding, q: Quote) => string)(finding, q);
}

/** The footer sentence: "user-service → order-service timed out: TimeoutError … in get_user_orders › GET after 5.0s". */
export function diagnosisText(d: Diagnosis, q: Quote = TEXT_QUOTE): string[] {
  if (d.kind === 'ok') {
    return [
      d.recoveredErrors > 0
        ? `No unrecovered errors: ${d.recoveredErrors} failed span(s) were retried or handled by their callers.`
        : 'No errors.',
    ];
  }
  const hop = d.to && d.to !== d.from ? `${q.name(d.from)} → ${q.name(d.to)}` : q.name(d.from);
  const verb = d.kind === 'timed-out' ? 'timed out' : 'failed';
  const what = d.exception
    ? exceptionText(d.exception, q)
    : d.timeout
      ? timeoutReasonText(d.timeout, q)
      : d.reason
        ? errorReasonText(d.reason, q)
        : 'error';
  const where = d.originCaller
    ? `${q.name(d.originCaller.name)} › ${q.name(d.origin.name)}`
    : q.name(d.origin.name);
  const suffix = d.exception && d.timeout ? ` (${timeoutReasonText(d.timeout, q)})` : '';
  const lines = [`${hop} ${verb}: ${what} in ${where} after ${ms(d.origin.durationMs)}${suffix}.`];
  if (d.slowSpan) {
    lines.push(
      `The slow span behind it: ${spanLabel(d.slowSpan, q)} ran ${ms(d.slowSpan.durationMs)}${
        d.slowSpan.durationMs > d.origin.durationMs ? ', past the point its caller gave up' : ''
      }.`,
    );
  }
  const extra: string[] = [];
  if (d.otherOrigins > 0) extra.push(`${d.otherOrigins} other error origin(s)`);
  if (d.recoveredErrors > 0) extra.push(`${d.recoveredErrors} recovered error(s)`);
  if (extra.length > 0) lines.push(`Also: ${extra.join(', ')}.`);
  return lines;
}
