import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/analysis/diagnose.js';
import { computeSpanFacts } from '../../src/analysis/span-facts.js';
import { buildTree } from '../../src/model/build-tree.js';
import { frozen, makeTrace, ms, type SpanSpec, sid } from '../helpers/make-span.js';

const diagnosisOf = (specs: SpanSpec[]) => {
  const tree = buildTree(frozen(makeTrace(specs)));
  return diagnose(tree, computeSpanFacts(tree, { limits: [] }));
};

const ERROR = { code: 'error', message: '' } as const;
const refused = (at: number) => ({
  name: 'exception',
  time: ms(at),
  attributes: { 'exception.type': 'ECONNREFUSED', 'exception.message': 'connect ECONNREFUSED 10.0.0.7:8080' },
});

describe('diagnose', () => {
  it('is ok for a healthy trace', () => {
    expect(
      diagnosisOf([
        { id: 'a', endMs: 10 },
        { id: 'b', parent: 'a', startMs: 1, endMs: 2 },
      ]),
    ).toEqual({
      kind: 'ok',
      recoveredErrors: 0,
    });
  });

  it('is ok when every failure was recovered, and counts them', () => {
    /*  a (200) ── b ✗ 503
     *          └─ c ✗ 502           both recovered by a */
    expect(
      diagnosisOf([
        { id: 'a', kind: 'server', endMs: 10, attributes: { 'http.response.status_code': 200 } },
        {
          id: 'b',
          parent: 'a',
          kind: 'client',
          startMs: 1,
          endMs: 2,
          attributes: { 'http.response.status_code': 503 },
        },
        {
          id: 'c',
          parent: 'a',
          kind: 'client',
          startMs: 3,
          endMs: 4,
          attributes: { 'http.response.status_code': 502 },
        },
      ]),
    ).toEqual({ kind: 'ok', recoveredErrors: 2 });
  });

  it('names a refused call: from the root service to the peer it called, labelled with its caller', () => {
    /*
     *  user-service GET /users/1 ✗
     *  └─ user-service get_user_orders ✗
     *     └─ user-service GET (client → order-service) ✗ ECONNREFUSED     origin
     */
    const diagnosis = diagnosisOf([
      { id: 'a', name: 'GET /users/1', service: 'user-service', kind: 'server', endMs: 20, status: ERROR },
      {
        id: 'b',
        parent: 'a',
        name: 'get_user_orders',
        service: 'user-service',
        startMs: 1,
        endMs: 15,
        status: ERROR,
      },
      {
        id: 'c',
        parent: 'b',
        name: 'GET',
        service: 'user-service',
        kind: 'client',
        startMs: 2,
        endMs: 5,
        status: ERROR,
        attributes: { 'peer.service': 'order-service', 'server.address': '10.0.0.7', 'server.port': 8080 },
        events: [refused(5)],
      },
    ]);
    expect(diagnosis).toEqual({
      kind: 'failed',
      from: 'user-service',
      to: 'order-service',
      origin: { spanId: sid('c'), name: 'GET', service: 'user-service', durationMs: 3 },
      originCaller: { spanId: sid('b'), name: 'get_user_orders', service: 'user-service', durationMs: 14 },
      exception: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.7:8080', stacktrace: '' },
      reason: { source: 'status', message: '' },
      timeout: undefined,
      slowSpan: undefined,
      otherOrigins: 0,
      recoveredErrors: 0,
    });
  });

  it('names the service that failed when the origin is in another service, with no caller label', () => {
    const diagnosis = diagnosisOf([
      { id: 'a', service: 'frontend', kind: 'server', endMs: 20, status: ERROR },
      { id: 'b', parent: 'a', service: 'frontend', kind: 'client', startMs: 1, endMs: 19, status: ERROR },
      {
        id: 'c',
        parent: 'b',
        name: 'SELECT orders',
        service: 'order-service',
        kind: 'server',
        startMs: 2,
        endMs: 18,
        status: { code: 'error', message: 'relation "orders" does not exist' },
      },
    ]);
    expect(diagnosis).toMatchObject({
      kind: 'failed',
      from: 'frontend',
      to: 'order-service',
      origin: { spanId: sid('c'), name: 'SELECT orders' },
      originCaller: undefined,
      exception: undefined,
      reason: { source: 'status', message: 'relation "orders" does not exist' },
    });
  });

  it('names no other service for a failure of the root service’s own work', () => {
    expect(
      diagnosisOf([
        { id: 'a', service: 'shop', kind: 'server', endMs: 20, status: ERROR },
        { id: 'b', parent: 'a', service: 'shop', name: 'validate', startMs: 1, endMs: 2, status: ERROR },
      ]),
    ).toMatchObject({
      kind: 'failed',
      from: 'shop',
      to: undefined,
      origin: { name: 'validate' },
      originCaller: undefined,
    });
  });

  it('prefers a timeout to an error that came first, and counts the other origins', () => {
    const diagnosis = diagnosisOf([
      { id: 'a', endMs: 100, status: ERROR },
      {
        id: 'b',
        parent: 'a',
        name: 'fails first',
        startMs: 1,
        endMs: 2,
        status: { code: 'error', message: 'bad request' },
      },
      {
        id: 'c',
        parent: 'a',
        name: 'times out',
        kind: 'client',
        startMs: 3,
        endMs: 90,
        attributes: { 'http.response.status_code': 504 },
      },
    ]);
    expect(diagnosis).toMatchObject({
      kind: 'timed-out',
      origin: { name: 'times out' },
      timeout: { source: 'http-status', code: 504 },
      otherOrigins: 1,
    });
  });

  it('among errors, picks the one that ended first', () => {
    const diagnosis = diagnosisOf([
      { id: 'a', endMs: 100, status: ERROR },
      { id: 'b', parent: 'a', name: 'ends later', startMs: 1, endMs: 50, status: ERROR },
      { id: 'c', parent: 'a', name: 'ends first', startMs: 2, endMs: 10, status: ERROR },
    ]);
    expect(diagnosis).toMatchObject({ kind: 'failed', origin: { name: 'ends first' }, otherOrigins: 1 });
  });

  it('leaves recovered origins out of the choice, and counts them', () => {
    const diagnosis = diagnosisOf([
      /*
       *  a ✗ ─┬─ fetch prices ─┬─ retried ✗ 503      recovered: retried by the later sibling
       *       │                └─ retried 200
       *       └─ broken ✗                            the origin
       */
      { id: 'a', kind: 'server', endMs: 100, status: ERROR },
      { id: 'e', parent: 'a', name: 'fetch prices', startMs: 1, endMs: 10 },
      {
        id: 'b',
        parent: 'e',
        name: 'retried',
        kind: 'client',
        startMs: 1,
        endMs: 5,
        attributes: { 'http.response.status_code': 503 },
      },
      {
        id: 'c',
        parent: 'e',
        name: 'retried',
        kind: 'client',
        startMs: 6,
        endMs: 10,
        attributes: { 'http.response.status_code': 200 },
      },
      { id: 'd', parent: 'a', name: 'broken', startMs: 11, endMs: 20, status: ERROR },
    ]);
    expect(diagnosis).toMatchObject({
      kind: 'failed',
      origin: { name: 'broken' },
      otherOrigins: 0,
      recoveredErrors: 1,
    });
  });

  it('points a masked timeout at the slow span behind it, and at its service', () => {
    /*
     *  |--envoy proxy 15 s (504)---|
     *   |--backend handler 14.9 s-|     did not fail: the slow span
     */
    const diagnosis = diagnosisOf([
      {
        id: 'a',
        name: 'proxy',
        service: 'envoy',
        kind: 'server',
        endMs: 15_000,
        attributes: { 'http.response.status_code': 504 },
      },
      {
        id: 'b',
        parent: 'a',
        name: 'handler',
        service: 'backend',
        kind: 'server',
        startMs: 50,
        endMs: 14_950,
      },
    ]);
    expect(diagnosis).toMatchObject({
      kind: 'timed-out',
      from: 'envoy',
      to: 'backend',
      origin: { spanId: sid('a'), name: 'proxy', durationMs: 15_000 },
      timeout: { source: 'http-status', code: 504 },
      slowSpan: { spanId: sid('b'), name: 'handler', service: 'backend', durationMs: 14_900 },
    });
  });

  it('gives the timeout as the failing chain states it, over one inferred from a round duration', () => {
    /*
     *  gateway ✗ 504 ── egress ✗ (no message, exactly 15 s: a round limit)     origin
     */
    const diagnosis = diagnosisOf([
      {
        id: 'a',
        name: 'gateway',
        service: 'gw',
        kind: 'server',
        endMs: 15_100,
        attributes: { 'http.response.status_code': 504 },
      },
      {
        id: 'b',
        parent: 'a',
        name: 'egress',
        service: 'gw',
        kind: 'client',
        startMs: 50,
        endMs: 15_050,
        status: ERROR,
      },
    ]);
    expect(diagnosis).toMatchObject({
      kind: 'timed-out',
      origin: { name: 'egress' },
      originCaller: { name: 'gateway' },
      timeout: { source: 'http-status', code: 504 },
    });
  });

  it('keeps an origin’s own stated timeout', () => {
    expect(
      diagnosisOf([
        { id: 'a', kind: 'server', endMs: 100, attributes: { 'http.response.status_code': 504 } },
        {
          id: 'b',
          parent: 'a',
          kind: 'client',
          startMs: 1,
          endMs: 99,
          status: { code: 'error', message: 'context deadline exceeded' },
        },
      ]),
    ).toMatchObject({
      kind: 'timed-out',
      origin: { spanId: sid('b') },
      timeout: { source: 'status-message', message: 'context deadline exceeded' },
    });
  });
});
