import { describe, expect, it } from 'vitest';
import type { ExceptionInfo } from '../../src/analysis/exceptions.js';
import {
  detectDurationTimeout,
  detectStatedTimeout,
  TIMEOUT_WORDS,
  type TimeoutOptions,
} from '../../src/analysis/timeouts.js';
import { makeSpan, ms, type SpanSpec } from '../helpers/make-span.js';

const exception = (type: string, message = ''): ExceptionInfo => ({ type, message, stacktrace: '' });
const stated = (spec: SpanSpec, exceptions: ExceptionInfo[] = []) =>
  detectStatedTimeout(makeSpan(spec), exceptions);
const NO_LIMITS: TimeoutOptions = { limits: [] };

/** A span lasting `durationMs`, failed or not, with what it said about its failure. */
function byDuration(
  durationMs: number,
  { failed = true, limits = [], message = '', exceptions = [] as ExceptionInfo[] } = {} as {
    failed?: boolean;
    limits?: number[];
    message?: string;
    exceptions?: ExceptionInfo[];
  },
) {
  const span = makeSpan({
    startMs: 1000,
    endMs: 1000 + durationMs,
    status: { code: failed ? 'error' : 'unset', message },
  });
  return detectDurationTimeout(span, exceptions, failed, { limits: limits.map(ms) });
}

describe('detectStatedTimeout', () => {
  it('reads HTTP 504 and 408, not other statuses', () => {
    expect(stated({ attributes: { 'http.response.status_code': 504 } })).toEqual({
      source: 'http-status',
      code: 504,
    });
    expect(stated({ attributes: { 'http.status_code': '408' } })).toEqual({
      source: 'http-status',
      code: 408,
    });
    expect(stated({ attributes: { 'http.response.status_code': 503 } })).toBeUndefined();
  });

  it('reads gRPC DEADLINE_EXCEEDED on gRPC spans, by number or by name', () => {
    expect(stated({ attributes: { 'rpc.grpc.status_code': 4 } })).toEqual({
      source: 'grpc-deadline-exceeded',
    });
    expect(stated({ attributes: { 'rpc.system': 'grpc', 'rpc.status_code': 'DEADLINE_EXCEEDED' } })).toEqual({
      source: 'grpc-deadline-exceeded',
    });
    expect(stated({ attributes: { 'rpc.grpc.status_code': 14 } })).toBeUndefined();
    // Not a gRPC span: another RPC system's code 4 is not a deadline.
    expect(stated({ attributes: { 'rpc.system': 'connect_rpc', 'rpc.status_code': '4' } })).toBeUndefined();
  });

  it('reads a timeout in error.type', () => {
    expect(stated({ attributes: { 'error.type': 'timeout' } })).toEqual({
      source: 'error-type',
      value: 'timeout',
    });
    expect(stated({ attributes: { 'error.type': 'java.net.SocketTimeoutException' } })).toEqual({
      source: 'error-type',
      value: 'java.net.SocketTimeoutException',
    });
    expect(stated({ attributes: { 'error.type': '500' } })).toBeUndefined();
  });

  it("reads Envoy's timeout response flags UT, SI and DT, alone or in a list", () => {
    expect(stated({ attributes: { response_flags: 'UT' } })).toEqual({ source: 'proxy-flag', flags: 'UT' });
    expect(stated({ attributes: { 'envoy.response_flags': 'URX,DT' } })).toEqual({
      source: 'proxy-flag',
      flags: 'URX,DT',
    });
    expect(stated({ attributes: { response_flags: 'SI' } })).toEqual({ source: 'proxy-flag', flags: 'SI' });
    expect(stated({ attributes: { response_flags: 'UF,URX' } })).toBeUndefined();
    expect(stated({ attributes: { response_flags: 'UTX' } })).toBeUndefined();
  });

  it('reads timeout words in an exception type or message, across runtimes', () => {
    for (const [type, message] of [
      ['TimeoutError', ''],
      ['ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443'],
      ['UND_ERR_HEADERS_TIMEOUT', ''],
      ['*errors.errorString', 'context deadline exceeded'],
      ['System.Threading.Tasks.TaskCanceledException', ''],
      ['23', 'The operation was aborted due to timeout'],
      ['ReadTimeout', ''],
      ['Error', 'request timed out after 5000 ms'],
    ] as const) {
      expect(stated({}, [exception(type, message)]), type).toEqual({ source: 'exception', type, message });
    }
    expect(stated({}, [exception('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4001')])).toBeUndefined();
  });

  it('reads the exception type "4" as DEADLINE_EXCEEDED on a gRPC span only (Node gRPC)', () => {
    expect(stated({ attributes: { 'rpc.system': 'grpc' } }, [exception('4', '')])).toEqual({
      source: 'grpc-deadline-exceeded',
    });
    expect(stated({}, [exception('4', '')])).toBeUndefined();
  });

  it('looks at every exception, not only the first', () => {
    expect(
      stated({}, [exception('ECONNRESET', 'socket hang up'), exception('AbortError', 'timeout')]),
    ).toEqual({
      source: 'exception',
      type: 'AbortError',
      message: 'timeout',
    });
  });

  it('reads a timeout in the status message, whatever the status code', () => {
    expect(stated({ status: { code: 'unset', message: 'upstream request timeout' } })).toEqual({
      source: 'status-message',
      message: 'upstream request timeout',
    });
    expect(stated({ status: { code: 'error', message: 'invalid token' } })).toBeUndefined();
  });

  it('takes the span’s own status code before an exception, and an exception before the status message', () => {
    expect(
      stated(
        { attributes: { 'http.response.status_code': 504 }, status: { code: 'error', message: 'timeout' } },
        [exception('TimeoutError')],
      ),
    ).toEqual({ source: 'http-status', code: 504 });
    expect(
      stated({ status: { code: 'error', message: 'deadline exceeded' } }, [exception('TimeoutError')]),
    ).toEqual({
      source: 'exception',
      type: 'TimeoutError',
      message: '',
    });
  });

  it('TIMEOUT_WORDS: time out, timed out, deadline exceeded, TaskCanceledException; not other failures', () => {
    for (const text of [
      'Timeout',
      'time-out',
      'TIME_OUT',
      'timed out',
      'Deadline Exceeded',
      'TaskCanceledException',
    ])
      expect(TIMEOUT_WORDS.test(text), text).toBe(true);
    for (const text of ['connection refused', 'time', 'deadline', 'cancelled', 'AbortError'])
      expect(TIMEOUT_WORDS.test(text), text).toBe(false);
  });
});

describe('detectDurationTimeout against a limit the user named', () => {
  it('a span that lasted the limit ran into it, failed or not', () => {
    expect(byDuration(5000, { failed: false, limits: [5000] })).toEqual({ source: 'limit', limitMs: 5000 });
    expect(byDuration(5000, { failed: true, limits: [5000] })).toEqual({ source: 'limit', limitMs: 5000 });
  });

  it('allows 1% under the limit, and over it 2% or 50 ms, whichever is more', () => {
    // 5 s: 4.95 s to 5.1 s.
    expect(byDuration(4950, { failed: false, limits: [5000] })).toEqual({ source: 'limit', limitMs: 5000 });
    expect(byDuration(4949, { failed: false, limits: [5000] })).toBeUndefined();
    expect(byDuration(5100, { failed: false, limits: [5000] })).toEqual({ source: 'limit', limitMs: 5000 });
    expect(byDuration(5101, { failed: false, limits: [5000] })).toBeUndefined();
    // 1 s: 2% is 20 ms, so 50 ms.
    expect(byDuration(1050, { failed: false, limits: [1000] })).toEqual({ source: 'limit', limitMs: 1000 });
    expect(byDuration(1051, { failed: false, limits: [1000] })).toBeUndefined();
  });

  it('names the first of several limits the span fits, and a limit below a millisecond exactly', () => {
    expect(byDuration(3000, { failed: false, limits: [1000, 3000, 3010] })).toEqual({
      source: 'limit',
      limitMs: 3000,
    });
    expect(byDuration(2.5, { failed: false, limits: [2.5] })).toEqual({ source: 'limit', limitMs: 2.5 });
  });

  it('a named limit comes before a round one', () => {
    expect(byDuration(5020, { limits: [5000] })).toEqual({ source: 'limit', limitMs: 5000 });
  });
});

describe('detectDurationTimeout at a round limit', () => {
  it('a failure with nothing said that lasted just past a round limit hit it', () => {
    expect(byDuration(5000)).toEqual({ source: 'round-limit', limitMs: 5000 });
    expect(byDuration(5020)).toEqual({ source: 'round-limit', limitMs: 5000 });
    expect(byDuration(1000)).toEqual({ source: 'round-limit', limitMs: 1000 });
    expect(byDuration(30_600)).toEqual({ source: 'round-limit', limitMs: 30_000 });
    expect(byDuration(120_000)).toEqual({ source: 'round-limit', limitMs: 120_000 });
  });

  it('not just under a round limit, and not between them', () => {
    expect(byDuration(4990)).toBeUndefined();
    expect(byDuration(5101)).toBeUndefined();
    expect(byDuration(2500)).toBeUndefined();
    expect(byDuration(4000)).toBeUndefined();
    expect(byDuration(30_601)).toBeUndefined();
  });

  it('not for healthy work, however round its duration', () => {
    expect(byDuration(1000, { failed: false })).toBeUndefined();
    expect(byDuration(5000, { failed: false })).toBeUndefined();
  });

  it('a connection-level failure (refused, reset…) still counts; one that says why it failed does not', () => {
    expect(byDuration(5000, { message: 'connect ECONNREFUSED 10.0.0.7:5432' })).toEqual({
      source: 'round-limit',
      limitMs: 5000,
    });
    expect(byDuration(5000, { exceptions: [exception('UNAVAILABLE', 'No connection established')] })).toEqual(
      {
        source: 'round-limit',
        limitMs: 5000,
      },
    );
    expect(byDuration(2000, { message: 'invalid token' })).toBeUndefined();
    expect(
      byDuration(2000, { exceptions: [exception('ValidationError', 'email is required')] }),
    ).toBeUndefined();
  });

  it('is read from the span and its exceptions only, without options', () => {
    const span = makeSpan({ startMs: 0, endMs: 10_000, status: { code: 'error', message: '' } });
    expect(detectDurationTimeout(span, [], true, NO_LIMITS)).toEqual({
      source: 'round-limit',
      limitMs: 10_000,
    });
    // A span that ends before it starts lasts nothing.
    const backwards = makeSpan({ startMs: 10_000, endMs: 0, status: { code: 'error', message: '' } });
    expect(detectDurationTimeout(backwards, [], true, NO_LIMITS)).toBeUndefined();
  });
});
