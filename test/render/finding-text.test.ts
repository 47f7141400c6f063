import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/analysis/diagnose.js';
import type { Finding } from '../../src/analysis/findings.js';
import {
  diagnosisText,
  errorReasonText,
  exceptionText,
  findingText,
  timeoutReasonText,
} from '../../src/render/finding-text.js';
import { sid, TEST_TRACE_ID } from '../helpers/make-span.js';

const traceId = TEST_TRACE_ID;
const spanId = sid('a');
const subject = { traceId, spanId, service: 'order-service', name: 'query_orders' };

describe('exceptionText', () => {
  it('joins type and the first line of the message', () => {
    expect(exceptionText({ type: 'TypeError', message: 'x is undefined\n  more', stacktrace: 'at f' })).toBe(
      'TypeError: x is undefined',
    );
    expect(exceptionText({ type: 'E', message: 'first\r\nsecond', stacktrace: '' })).toBe('E: first');
  });

  it('says what there is when the type or the message is missing', () => {
    expect(exceptionText({ type: 'ECONNRESET', message: '', stacktrace: '' })).toBe('ECONNRESET');
    expect(exceptionText({ type: '', message: 'socket hang up', stacktrace: '' })).toBe('socket hang up');
    expect(exceptionText({ type: '', message: '', stacktrace: '' })).toBe('exception (no type or message)');
  });

  it('escapes control characters from span data', () => {
    expect(exceptionText({ type: 'E\u001b[2J', message: 'a\tb', stacktrace: '' })).toBe('E\\u{1b}[2J: a\\tb');
  });
});

describe('errorReasonText', () => {
  it.each([
    [{ source: 'status', message: 'db down' }, 'status ERROR: db down'],
    [{ source: 'status', message: '' }, 'status ERROR'],
    [{ source: 'error-tag' }, 'error=true'],
    [{ source: 'http-status', code: 503 }, 'HTTP 503'],
    [{ source: 'grpc-status', code: 14, name: 'UNAVAILABLE' }, 'gRPC UNAVAILABLE (14)'],
    [{ source: 'exception', type: 'KeyError' }, 'exception KeyError'],
    [{ source: 'exception', type: '' }, 'exception'],
  ] as const)('%o → %s', (reason, text) => {
    expect(errorReasonText(reason)).toBe(text);
  });

  it('escapes the status message', () => {
    expect(errorReasonText({ source: 'status', message: 'bad\nline' })).toBe('status ERROR: bad\\nline');
  });
});

describe('timeoutReasonText', () => {
  it.each([
    [{ source: 'http-status', code: 504 }, 'HTTP 504 gateway timeout'],
    [{ source: 'http-status', code: 408 }, 'HTTP 408 request timeout'],
    [{ source: 'grpc-deadline-exceeded' }, 'gRPC DEADLINE_EXCEEDED'],
    [{ source: 'error-type', value: 'ReadTimeout' }, 'error.type=ReadTimeout'],
    [{ source: 'proxy-flag', flags: 'UT' }, 'proxy response flags UT'],
    [{ source: 'status-message', message: 'deadline exceeded' }, 'status: deadline exceeded'],
    [{ source: 'limit', limitMs: 5000 }, 'ran into the 5.0s limit'],
    [{ source: 'round-limit', limitMs: 2000 }, 'failed just after 2.0s, a common timeout'],
    [{ source: 'limit', limitMs: 250 }, 'ran into the 250ms limit'],
  ] as const)('%o → %s', (reason, text) => {
    expect(timeoutReasonText(reason)).toBe(text);
  });

  it('an exception: the type when it says "timeout", else the message', () => {
    expect(timeoutReasonText({ source: 'exception', type: 'TimeoutError', message: 'after 5000ms' })).toBe(
      'TimeoutError',
    );
    // Go: errors.New("redis timeout") has the type *errors.errorString, which says nothing.
    expect(
      timeoutReasonText({ source: 'exception', type: '*errors.errorString', message: 'redis timeout' }),
    ).toBe('redis timeout');
    expect(timeoutReasonText({ source: 'exception', type: 'Canceled', message: '' })).toBe('Canceled');
  });
});

describe('findingText', () => {
  it('error-origin: the exception first, then the reason, then the timeout', () => {
    const base = { kind: 'error-origin', ...subject } as const;
    expect(
      findingText({
        ...base,
        reason: { source: 'status', message: 'boom' },
        timeout: undefined,
        exception: { type: 'PgError', message: 'relation "orders" does not exist', stacktrace: '' },
      }),
    ).toBe('error starts at query_orders (order-service): PgError: relation "orders" does not exist');
    expect(
      findingText({
        ...base,
        reason: { source: 'http-status', code: 500 },
        timeout: undefined,
        exception: undefined,
      }),
    ).toBe('error starts at query_orders (order-service): HTTP 500');
    expect(
      findingText({
        ...base,
        reason: undefined,
        timeout: { source: 'limit', limitMs: 1000 },
        exception: undefined,
      }),
    ).toBe('error starts at query_orders (order-service): ran into the 1.0s limit');
    expect(findingText({ ...base, reason: undefined, timeout: undefined, exception: undefined })).toBe(
      'error starts at query_orders (order-service): failed',
    );
  });

  it.each<[Finding, string]>([
    [
      { kind: 'recovered-error', ...subject, recoveredBySpanId: sid('1') },
      'query_orders (order-service) failed but its caller 0000000000000001 succeeded (retried or handled)',
    ],
    [
      { kind: 'timeout', ...subject, durationMs: 5001.2, reason: { source: 'http-status', code: 504 } },
      'query_orders (order-service) timed out after 5.0s (HTTP 504 gateway timeout)',
    ],
    [
      { kind: 'slow-span-behind-timeout', ...subject, durationMs: 15_200, timedOutSpanId: sid('b') },
      'query_orders (order-service) ran 15.2s: the slow work behind the timeout of span 000000000000000b',
    ],
    [
      { kind: 'orphan-span', ...subject, parentSpanId: sid('ff'), remoteParent: true },
      'query_orders (order-service): its caller 00000000000000ff in another process did not send its spans here',
    ],
    [
      { kind: 'orphan-span', ...subject, parentSpanId: sid('ff'), remoteParent: false },
      'query_orders (order-service): parent 00000000000000ff is not in the trace (lost, sampled out, or not arrived yet)',
    ],
    [{ kind: 'duplicate-span-id', traceId, spanId, count: 3 }, '3 spans share the id 000000000000000a'],
    [
      { kind: 'parent-cycle', traceId, spanId },
      'span 000000000000000a is its own ancestor; the loop was cut there',
    ],
    [
      { kind: 'truncated-trace', traceId, message: 'trace has more than 10000 spans' },
      'the backend truncated this trace: trace has more than 10000 spans',
    ],
    [
      { kind: 'backend-warning', traceId, spanId, message: 'clock skew adjusted' },
      'backend warning on 000000000000000a: clock skew adjusted',
    ],
    [
      { kind: 'backend-warning', traceId, spanId: undefined, message: 'invalid parent' },
      'backend warning: invalid parent',
    ],
  ])('%#: %s', (finding, text) => {
    expect(findingText(finding)).toBe(text);
  });

  it('escapes span names, services and backend messages', () => {
    expect(
      findingText({
        kind: 'orphan-span',
        ...subject,
        name: 'GET\u001b[31m',
        service: 'svc\u202e',
        parentSpanId: sid('1'),
        remoteParent: false,
      }),
    ).toMatch(/^GET\\u\{1b\}\[31m \(svc\\u\{202e\}\): parent /);
    expect(findingText({ kind: 'truncated-trace', traceId, message: 'a\nb' })).toBe(
      'the backend truncated this trace: a\\nb',
    );
  });
});

describe('diagnosisText', () => {
  const failed: Extract<Diagnosis, { kind: 'failed' | 'timed-out' }> = {
    kind: 'failed',
    from: 'user-service',
    to: 'order-service',
    origin: { spanId: sid('4'), name: 'GET', service: 'user-service', durationMs: 5.6 },
    originCaller: { spanId: sid('3'), name: 'get_user_orders', service: 'user-service', durationMs: 6 },
    exception: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:4001', stacktrace: '' },
    reason: { source: 'status', message: 'connect ECONNREFUSED 127.0.0.1:4001' },
    timeout: undefined,
    slowSpan: undefined,
    otherOrigins: 0,
    recoveredErrors: 0,
  };

  it('ok: no errors, or how many were recovered', () => {
    expect(diagnosisText({ kind: 'ok', recoveredErrors: 0 })).toEqual(['No errors.']);
    expect(diagnosisText({ kind: 'ok', recoveredErrors: 2 })).toEqual([
      'No unrecovered errors: 2 failed span(s) were retried or handled by their callers.',
    ]);
  });

  it('failed: the hop, the exception, the operation that made the call, the duration', () => {
    expect(diagnosisText(failed)).toEqual([
      'user-service → order-service failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001 in get_user_orders › GET after 5.6ms.',
    ]);
  });

  it('names one service when the failure stayed in it, and the reason when there is no exception', () => {
    expect(
      diagnosisText({ ...failed, to: 'user-service', originCaller: undefined, exception: undefined }),
    ).toEqual(['user-service failed: status ERROR: connect ECONNREFUSED 127.0.0.1:4001 in GET after 5.6ms.']);
    expect(
      diagnosisText({
        ...failed,
        to: undefined,
        originCaller: undefined,
        exception: undefined,
        reason: undefined,
      }),
    ).toEqual(['user-service failed: error in GET after 5.6ms.']);
  });

  it('timed out: the exception with the stated timeout after it, the slow span, the others', () => {
    const lines = diagnosisText({
      ...failed,
      kind: 'timed-out',
      exception: { type: 'TimeoutError', message: 'The operation was aborted', stacktrace: '' },
      timeout: { source: 'http-status', code: 504 },
      origin: { ...failed.origin, durationMs: 5000 },
      slowSpan: { spanId: sid('9'), name: 'SELECT orders', service: 'postgres', durationMs: 7200 },
      otherOrigins: 1,
      recoveredErrors: 2,
    });
    expect(lines).toEqual([
      'user-service → order-service timed out: TimeoutError: The operation was aborted in get_user_orders › GET after 5.0s (HTTP 504 gateway timeout).',
      'The slow span behind it: SELECT orders (postgres) ran 7.2s, past the point its caller gave up.',
      'Also: 1 other error origin(s), 2 recovered error(s).',
    ]);
  });

  it('a slow span that ended within its caller’s wait is not said to outlast it', () => {
    const lines = diagnosisText({
      ...failed,
      kind: 'timed-out',
      exception: undefined,
      timeout: { source: 'proxy-flag', flags: 'UT' },
      slowSpan: { spanId: sid('9'), name: 'work', service: 'order-service', durationMs: 5.5 },
    });
    expect(lines).toEqual([
      'user-service → order-service timed out: proxy response flags UT in get_user_orders › GET after 5.6ms.',
      'The slow span behind it: work (order-service) ran 5.5ms.',
    ]);
  });

  it('escapes service and span names', () => {
    const [line] = diagnosisText({
      ...failed,
      from: 'a\u001b',
      to: 'b\n',
      originCaller: { ...failed.originCaller!, name: 'c\u007f' },
    });
    expect(line).toMatch(/^a\\u\{1b\} → b\\n failed: .* in c\\u\{7f\} › GET after 5\.6ms\.$/);
  });
});
