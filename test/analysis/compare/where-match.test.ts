import { describe, expect, it } from 'vitest';
import {
  hasUnrecoveredFailure,
  matchesWhere,
  traceDuration,
} from '../../../src/analysis/compare/where-match.js';
import { parseWhere } from '../../../src/analysis/compare/where-predicate.js';
import type { Trace } from '../../../src/model/types.js';
import { frozen, makeTrace, ms } from '../../helpers/make-span.js';

const POD = { 'service.name': 'order-service', 'k8s.pod.name': 'order-7f9c', region: 'eu' };

/**
 *   GET /checkout (frontend, server, 0-1500 ms)
 *   └─ charge (order-service, client, 10-1400 ms, HTTP 503 as a string: failed, not recovered)
 *      └─ SELECT (order-service, client, 20-30 ms, db.rows 7, region us in the span)
 */
const failing = frozen(
  makeTrace([
    { id: 'a', service: 'frontend', name: 'GET /checkout', kind: 'server', endMs: 1500 },
    {
      id: 'b',
      parent: 'a',
      service: 'order-service',
      name: 'charge',
      kind: 'client',
      startMs: 10,
      endMs: 1400,
      attributes: { 'http.response.status_code': '503', retry: true },
      resource: POD,
    },
    {
      id: 'c',
      parent: 'b',
      service: 'order-service',
      name: 'SELECT',
      kind: 'client',
      startMs: 20,
      endMs: 30,
      attributes: { 'db.rows': 7, region: 'us', tags: ['x'] },
      resource: POD,
    },
  ]),
);

/** A failure retried under a parent that shows success: recovered. */
const recovered = frozen(
  makeTrace([
    { id: 'a', name: 'GET /', kind: 'server', endMs: 100, attributes: { 'http.response.status_code': 200 } },
    {
      id: 'b',
      parent: 'a',
      name: 'call',
      kind: 'client',
      startMs: 1,
      endMs: 5,
      status: { code: 'error', message: 'x' },
    },
    { id: 'c', parent: 'a', name: 'call', kind: 'client', startMs: 6, endMs: 9 },
  ]),
);

const matches = (trace: Trace, text: string) => matchesWhere(trace, parseWhere(text));

describe('matchesWhere', () => {
  it('error: an unrecovered failure, as show judges it; error=true: any failing span', () => {
    expect(matches(failing, 'error')).toBe(true);
    expect(matches(recovered, 'error')).toBe(false);
    expect(matches(recovered, 'not error')).toBe(true);
    expect(matches(recovered, 'error=true')).toBe(true);
    expect(hasUnrecoveredFailure(makeTrace([{}]))).toBe(false);
  });

  it('error with --timeout limits: a span that lasted the limit failed', () => {
    const slow = makeTrace([{ id: 'a', name: 'GET', kind: 'server', endMs: 5000 }]);
    const predicate = parseWhere('error');
    expect(matchesWhere(slow, predicate)).toBe(false);
    expect(matchesWhere(slow, predicate, { limits: [ms(5000)] })).toBe(true);
  });

  it('duration: the root span, else the extent of a trace without a root', () => {
    expect(traceDuration(failing)).toBe(ms(1500));
    expect(matches(failing, 'duration>1s')).toBe(true);
    expect(matches(failing, 'duration>=1.5s')).toBe(true);
    expect(matches(failing, 'duration>1.5s')).toBe(false);
    expect(matches(failing, 'duration<2s')).toBe(true);
    expect(matches(failing, 'duration<=1499ms')).toBe(false);
    // A child outlives the root: the root's duration still says how long the request took.
    const detached = makeTrace([
      { id: 'a', endMs: 100 },
      { id: 'b', parent: 'a', startMs: 50, endMs: 900 },
    ]);
    expect(traceDuration(detached)).toBe(ms(100));
    const rootless = makeTrace([
      { id: 'b', parent: 'a', startMs: 200, endMs: 300 },
      { id: 'c', parent: 'a', startMs: 250, endMs: 700 },
    ]);
    expect(traceDuration(rootless)).toBe(ms(500));
  });

  it('service and name: a span of it; != a span of another', () => {
    expect(matches(failing, 'service=order-service')).toBe(true);
    expect(matches(failing, 'service=payments')).toBe(false);
    expect(matches(failing, 'service!=frontend')).toBe(true);
    expect(matches(failing, 'name=charge')).toBe(true);
    expect(matches(failing, 'operation="GET /checkout"')).toBe(true);
    expect(matches(failing, 'name=refund')).toBe(false);
    const one = makeTrace([{ service: 'solo' }]);
    expect(matches(one, 'service!=solo')).toBe(false);
  });

  it('span.kind and otel.status_code read the span', () => {
    expect(matches(failing, 'span.kind=server')).toBe(true);
    expect(matches(failing, 'span.kind=consumer')).toBe(false);
    expect(matches(failing, 'otel.status_code=unset')).toBe(true);
    expect(matches(failing, 'otel.status_code=error')).toBe(false);
    expect(matches(recovered, 'otel.status_code=error')).toBe(true);
  });

  it('attributes: the span, then its resource; span. and resource. look in one', () => {
    expect(matches(failing, 'k8s.pod.name=order-7f9c')).toBe(true);
    expect(matches(failing, 'resource.k8s.pod.name=order-7f9c')).toBe(true);
    expect(matches(failing, 'span.k8s.pod.name=order-7f9c')).toBe(false);
    expect(matches(failing, 'span.region=us')).toBe(true);
    expect(matches(failing, 'resource.region=us')).toBe(false);
    expect(matches(failing, 'resource.region=eu')).toBe(true);
  });

  it('compares scalars as text: 503 and "503", true and "true"; arrays never', () => {
    expect(matches(failing, 'http.response.status_code=503')).toBe(true);
    expect(matches(failing, 'retry=true')).toBe(true);
    expect(matches(failing, 'db.rows=7')).toBe(true);
    expect(matches(failing, 'tags=x')).toBe(false);
    expect(matches(failing, 'tags')).toBe(true);
  });

  it('!=: a span with the attribute at another value; not: no span with it', () => {
    expect(matches(failing, 'region!=eu')).toBe(true);
    expect(matches(failing, 'resource.region!=eu')).toBe(false);
    expect(matches(failing, 'not region=eu')).toBe(false);
    expect(matches(failing, 'not region=ap')).toBe(true);
    expect(matches(failing, 'missing.key!=x')).toBe(false);
  });

  it('numbers: numeric values and numeric strings', () => {
    expect(matches(failing, 'http.response.status_code>=500')).toBe(true);
    expect(matches(failing, 'http.response.status_code<500')).toBe(false);
    expect(matches(failing, 'db.rows>6.5')).toBe(true);
    expect(matches(failing, 'db.rows<=6')).toBe(false);
    expect(matches(failing, 'region>1')).toBe(false);
  });

  it('a key alone: present in a span or its resource', () => {
    expect(matches(failing, 'db.rows')).toBe(true);
    expect(matches(failing, 'resource.db.rows')).toBe(false);
    expect(matches(failing, 'not k8s.pod.name')).toBe(false);
    expect(matches(makeTrace([{ attributes: { gone: null } }]), 'gone')).toBe(false);
    expect(matches(failing, 'constructor')).toBe(false);
    expect(matches(makeTrace([{ attributes: { constructor: 'x' } }]), 'constructor=x')).toBe(true);
  });

  it('and: every condition, each met by a span of its own', () => {
    expect(matches(failing, 'service=frontend and db.rows=7')).toBe(true);
    expect(matches(failing, 'service=frontend and db.rows=8')).toBe(false);
    expect(matches(failing, 'error and duration>1s and not region=ap')).toBe(true);
    expect(matches(recovered, 'error and duration>1s')).toBe(false);
  });
});
