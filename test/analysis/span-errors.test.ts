import { describe, expect, it } from 'vitest';
import { detectError } from '../../src/analysis/span-errors.js';
import type { SpanKind } from '../../src/model/types.js';
import type { SpanSpec } from '../helpers/make-span.js';
import { makeSpan, ms } from '../helpers/make-span.js';

const verdict = (spec: SpanSpec) => detectError(makeSpan(spec));
const grpc = (kind: SpanKind, code: number) =>
  verdict({ kind, attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': code } });
const EXCEPTION = { name: 'exception', time: ms(1), attributes: { 'exception.type': 'TypeError' } };

describe('detectError', () => {
  it('is nothing for a plain span', () => {
    expect(verdict({})).toBeUndefined();
  });

  it('an explicit OK status wins over every other signal', () => {
    expect(
      verdict({
        status: { code: 'ok', message: '' },
        kind: 'client',
        attributes: { error: true, 'http.response.status_code': 500, 'rpc.grpc.status_code': 13 },
        events: [EXCEPTION],
      }),
    ).toBeUndefined();
  });

  it('an ERROR status comes first, with its message', () => {
    expect(
      verdict({
        status: { code: 'error', message: 'boom' },
        attributes: { 'http.response.status_code': 500 },
      }),
    ).toEqual({ source: 'status', message: 'boom' });
  });

  it('reads error=true as a boolean or as a string, and not error=false', () => {
    expect(verdict({ attributes: { error: true } })).toEqual({ source: 'error-tag' });
    expect(verdict({ attributes: { error: 'true' } })).toEqual({ source: 'error-tag' });
    expect(verdict({ attributes: { error: 'false' } })).toBeUndefined();
  });

  it('counts HTTP 5xx on any span, and 4xx only on CLIENT spans', () => {
    expect(verdict({ kind: 'server', attributes: { 'http.response.status_code': 500 } })).toEqual({
      source: 'http-status',
      code: 500,
    });
    expect(verdict({ kind: 'server', attributes: { 'http.status_code': '503' } })).toEqual({
      source: 'http-status',
      code: 503,
    });
    expect(verdict({ kind: 'server', attributes: { 'http.response.status_code': 404 } })).toBeUndefined();
    expect(verdict({ kind: 'internal', attributes: { 'http.response.status_code': 404 } })).toBeUndefined();
    expect(verdict({ kind: 'client', attributes: { 'http.response.status_code': 404 } })).toEqual({
      source: 'http-status',
      code: 404,
    });
    expect(verdict({ kind: 'client', attributes: { 'http.response.status_code': 399 } })).toBeUndefined();
  });

  it('counts every non-zero gRPC code on a client', () => {
    expect(grpc('client', 5)).toEqual({ source: 'grpc-status', code: 5, name: 'NOT_FOUND' });
    expect(grpc('client', 1)).toEqual({ source: 'grpc-status', code: 1, name: 'CANCELLED' });
    expect(grpc('client', 0)).toBeUndefined();
  });

  it('counts only UNKNOWN, DEADLINE_EXCEEDED and 12-15 on a server', () => {
    const failing = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].filter(
      (code) => grpc('server', code) !== undefined,
    );
    expect(failing).toEqual([2, 4, 12, 13, 14, 15]);
    expect(grpc('server', 14)).toEqual({ source: 'grpc-status', code: 14, name: 'UNAVAILABLE' });
  });

  it('reads a gRPC status name, and names an unknown code by its number', () => {
    expect(verdict({ kind: 'client', attributes: { 'rpc.status_code': 'UNAVAILABLE' } })).toEqual({
      source: 'grpc-status',
      code: 14,
      name: 'UNAVAILABLE',
    });
    expect(grpc('client', 99)).toEqual({ source: 'grpc-status', code: 99, name: '99' });
  });

  it('counts a recorded exception on a span whose status was left unset', () => {
    expect(verdict({ events: [EXCEPTION] })).toEqual({ source: 'exception', type: 'TypeError' });
    expect(
      verdict({ events: [{ name: 'log', time: ms(1), attributes: { message: 'hello' } }] }),
    ).toBeUndefined();
  });

  it('takes the first signal in order: error tag before HTTP, HTTP before gRPC, gRPC before exceptions', () => {
    expect(
      verdict({ kind: 'client', attributes: { error: true, 'http.response.status_code': 500 } }),
    ).toEqual({
      source: 'error-tag',
    });
    expect(
      verdict({
        kind: 'client',
        attributes: { 'http.response.status_code': 502, 'rpc.grpc.status_code': 14 },
      }),
    ).toEqual({ source: 'http-status', code: 502 });
    expect(
      verdict({ kind: 'client', attributes: { 'rpc.grpc.status_code': 14 }, events: [EXCEPTION] }),
    ).toEqual({
      source: 'grpc-status',
      code: 14,
      name: 'UNAVAILABLE',
    });
  });
});
