import { describe, expect, it } from 'vitest';
import {
  attributeString,
  GRPC_CODE_NAMES,
  grpcStatusCode,
  httpStatusCode,
  isGrpcSpan,
  isTrue,
} from '../../src/analysis/attributes.js';
import type { Attributes } from '../../src/model/types.js';
import { makeSpan } from '../helpers/make-span.js';

const withAttributes = (attributes: Attributes) => makeSpan({ attributes });

describe('attributeString', () => {
  it('takes the first key that has a value, skipping empty strings and nulls', () => {
    const attributes = { 'peer.service': '', 'service.peer.name': null, 'net.peer.name': 'orders' };
    expect(attributeString(attributes, 'peer.service', 'service.peer.name', 'net.peer.name')).toBe('orders');
    expect(attributeString(attributes, 'missing')).toBeUndefined();
  });

  it('writes numbers and booleans as text, and gives nothing for arrays and objects', () => {
    expect(attributeString({ port: 8080 }, 'port')).toBe('8080');
    expect(attributeString({ flag: false }, 'flag')).toBe('false');
    expect(attributeString({ list: ['a'] }, 'list')).toBeUndefined();
    expect(attributeString({ map: { a: 1 } }, 'map')).toBeUndefined();
  });
});

describe('isTrue', () => {
  it('is true for true and the string "true" in any case, false otherwise', () => {
    expect(isTrue(true)).toBe(true);
    expect(isTrue('true')).toBe(true);
    expect(isTrue('TRUE')).toBe(true);
    expect(isTrue(false)).toBe(false);
    expect(isTrue('false')).toBe(false);
    expect(isTrue('yes')).toBe(false);
    expect(isTrue(1)).toBe(false);
    expect(isTrue(undefined)).toBe(false);
  });
});

describe('httpStatusCode', () => {
  it('reads the new name before the old one', () => {
    expect(
      httpStatusCode(withAttributes({ 'http.response.status_code': 503, 'http.status_code': 200 })),
    ).toBe(503);
    expect(httpStatusCode(withAttributes({ 'http.status_code': 404 }))).toBe(404);
  });

  it('parses a status written as a string (Envoy), and ignores what is not an integer', () => {
    expect(httpStatusCode(withAttributes({ 'http.status_code': '500' }))).toBe(500);
    expect(httpStatusCode(withAttributes({ 'http.status_code': ' 502 ' }))).toBe(502);
    expect(httpStatusCode(withAttributes({ 'http.status_code': '5xx' }))).toBeUndefined();
    expect(httpStatusCode(withAttributes({ 'http.status_code': 500.5 }))).toBeUndefined();
    expect(httpStatusCode(withAttributes({}))).toBeUndefined();
  });

  it('falls back to the old name when the new one is empty', () => {
    expect(httpStatusCode(withAttributes({ 'http.response.status_code': '', 'http.status_code': 504 }))).toBe(
      504,
    );
  });

  it('keeps 0, which means no response at all', () => {
    expect(httpStatusCode(withAttributes({ 'http.response.status_code': 0 }))).toBe(0);
  });
});

describe('grpcStatusCode', () => {
  it('reads rpc.grpc.status_code as a number or a numeric string', () => {
    expect(grpcStatusCode(withAttributes({ 'rpc.grpc.status_code': 4 }))).toBe(4);
    expect(grpcStatusCode(withAttributes({ 'rpc.grpc.status_code': '14' }))).toBe(14);
  });

  it('reads a status name, in any case, from rpc.response.status_code or rpc.status_code', () => {
    expect(grpcStatusCode(withAttributes({ 'rpc.status_code': 'DEADLINE_EXCEEDED' }))).toBe(4);
    expect(grpcStatusCode(withAttributes({ 'rpc.response.status_code': 'unavailable' }))).toBe(14);
    expect(grpcStatusCode(withAttributes({ 'rpc.status_code': '5' }))).toBe(5);
    expect(grpcStatusCode(withAttributes({ 'rpc.status_code': 'OK' }))).toBe(0);
  });

  it('prefers the numeric attribute, and knows nothing of an unknown name', () => {
    expect(grpcStatusCode(withAttributes({ 'rpc.grpc.status_code': 0, 'rpc.status_code': 'INTERNAL' }))).toBe(
      0,
    );
    expect(grpcStatusCode(withAttributes({ 'rpc.status_code': 'BROKEN' }))).toBeUndefined();
    expect(grpcStatusCode(withAttributes({}))).toBeUndefined();
  });

  it('names the codes as the gRPC spec does', () => {
    expect(GRPC_CODE_NAMES).toHaveLength(17);
    expect(GRPC_CODE_NAMES[0]).toBe('OK');
    expect(GRPC_CODE_NAMES[4]).toBe('DEADLINE_EXCEEDED');
    expect(GRPC_CODE_NAMES[14]).toBe('UNAVAILABLE');
    expect(GRPC_CODE_NAMES[16]).toBe('UNAUTHENTICATED');
  });
});

describe('isGrpcSpan', () => {
  it('is a gRPC span by rpc.system (old or new name) or by carrying a gRPC status code', () => {
    expect(isGrpcSpan(withAttributes({ 'rpc.system': 'grpc' }))).toBe(true);
    expect(isGrpcSpan(withAttributes({ 'rpc.system.name': 'grpc' }))).toBe(true);
    expect(isGrpcSpan(withAttributes({ 'rpc.grpc.status_code': 0 }))).toBe(true);
  });

  it('is not for another RPC system or a plain span', () => {
    expect(isGrpcSpan(withAttributes({ 'rpc.system': 'connect_rpc', 'rpc.status_code': 'OK' }))).toBe(false);
    expect(isGrpcSpan(withAttributes({ 'http.response.status_code': 200 }))).toBe(false);
  });
});
