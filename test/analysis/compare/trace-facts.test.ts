import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  edgeKey,
  operationKey,
  peerEdgeKey,
  type Subject,
  subjectKey,
  subjectOf,
} from '../../../src/analysis/compare/compare-subject.js';
import { hashSpan, startHash } from '../../../src/analysis/compare/sample-hash.js';
import { compareFactsOf } from '../../../src/analysis/compare/trace-facts.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { frozen, makeTrace, sid } from '../../helpers/make-span.js';

/**
 *   gateway › GET /cart (server, 0–100 ms)
 *   ├─ gateway › HTTP GET (client, 5–45) ── users › GET /users/{id} (server, 10–40, failed)
 *   │                                        ├─ users › SELECT users (client, 12–20, postgres) ─▶ pg
 *   │                                        └─ users › SELECT users (client, 20–30.5) ─▶ pg
 *   ├─ gateway › HTTP GET (client, 50–60, url https://api.example.com/rates) ─▶ api.example.com:443
 *   └─ gateway › render (internal, 60–99)
 *   orphan › late (its parent never arrived)
 */
const trace = makeTrace([
  { id: '1', service: 'gateway', name: 'GET /cart', kind: 'server', startMs: 0, endMs: 100 },
  { id: '2', parent: '1', service: 'gateway', name: 'HTTP GET', kind: 'client', startMs: 5, endMs: 45 },
  {
    id: '3',
    parent: '2',
    service: 'users',
    name: 'GET /users/{id}',
    kind: 'server',
    startMs: 10,
    endMs: 40,
    status: { code: 'error', message: 'boom' },
  },
  {
    id: '4',
    parent: '3',
    service: 'users',
    name: 'SELECT users',
    kind: 'client',
    startMs: 12,
    endMs: 20,
    attributes: { 'db.system': 'postgresql', 'server.address': 'pg' },
  },
  {
    id: '5',
    parent: '3',
    service: 'users',
    name: 'SELECT users',
    kind: 'client',
    startMs: 20,
    endMs: 30.5,
    attributes: { 'db.system': 'postgresql', 'server.address': 'pg' },
  },
  {
    id: '6',
    parent: '1',
    service: 'gateway',
    name: 'HTTP GET',
    kind: 'client',
    startMs: 50,
    endMs: 60,
    attributes: { 'url.full': 'https://api.example.com/rates' },
  },
  { id: '7', parent: '1', service: 'gateway', name: 'render', startMs: 60, endMs: 99 },
  { id: '8', parent: 'ff', service: 'orphan', name: 'late', startMs: 1, endMs: 500 },
]);

describe('compareFactsOf', () => {
  const facts = compareFactsOf(buildTree(frozen(trace)));
  const byKey = new Map(facts.subjects.map((s) => [s.key, s]));

  it('counts every span for its operation, with µs durations, errors and the slowest call', () => {
    expect(byKey.get(operationKey('gateway', 'HTTP GET'))).toMatchObject({
      durationsUs: [40_000, 10_000],
      errors: 0,
      slowestSpanId: sid('2'),
      slowestUs: 40_000,
    });
    expect(byKey.get(operationKey('users', 'GET /users/{id}'))).toMatchObject({
      durationsUs: [30_000],
      errors: 1,
    });
    expect(byKey.get(operationKey('users', 'SELECT users'))).toMatchObject({
      durationsUs: [8_000, 10_500],
      slowestSpanId: sid('5'),
    });
  });

  it('counts a span under another service for the edge from its parent, with its own numbers', () => {
    const edge = byKey.get(
      edgeKey({ service: 'gateway', name: 'HTTP GET' }, { service: 'users', name: 'GET /users/{id}' }),
    );
    expect(edge).toMatchObject({ durationsUs: [30_000], errors: 1, slowestSpanId: sid('3') });
  });

  it('counts a client span no traced service answered for the edge to its peer', () => {
    const db = byKey.get(peerEdgeKey({ service: 'users', name: 'SELECT users' }, 'pg'));
    expect(db?.durationsUs).toEqual([8_000, 10_500]);
    const external = byKey.get(peerEdgeKey({ service: 'gateway', name: 'HTTP GET' }, 'api.example.com:443'));
    expect(external?.durationsUs).toEqual([10_000]);
    // The client answered by users' server is an edge to users, not to a peer.
    expect(facts.subjects.filter((s) => s.key.startsWith('p')).length).toBe(2);
  });

  it('has one entry per subject and nothing else', () => {
    expect(facts.subjects.map((s) => subjectOf(s.key))).toHaveLength(9);
    expect(facts.subjects.map((s) => s.key).sort()).toEqual(
      [
        operationKey('gateway', 'GET /cart'),
        operationKey('gateway', 'HTTP GET'),
        operationKey('users', 'GET /users/{id}'),
        operationKey('users', 'SELECT users'),
        operationKey('gateway', 'render'),
        operationKey('orphan', 'late'),
        edgeKey({ service: 'gateway', name: 'HTTP GET' }, { service: 'users', name: 'GET /users/{id}' }),
        peerEdgeKey({ service: 'users', name: 'SELECT users' }, 'pg'),
        peerEdgeKey({ service: 'gateway', name: 'HTTP GET' }, 'api.example.com:443'),
      ].sort(),
    );
  });

  it('names the root that arrived, not the orphan', () => {
    expect(facts.root).toEqual({
      key: operationKey('gateway', 'GET /cart'),
      spanId: sid('1'),
      durationUs: 100_000,
    });
    expect(compareFactsOf(buildTree(makeTrace([{ id: '2', parent: '1' }]))).root).toBeUndefined();
  });

  it('samples each call by a hash of its trace and span ids, never its duration', () => {
    const state = startHash(trace.traceId);
    expect(byKey.get(operationKey('gateway', 'HTTP GET'))!.sampleHashes).toEqual([
      hashSpan(state, sid('2')),
      hashSpan(state, sid('6')),
    ]);
  });

  it('is plain data: it crosses threads unchanged', () => {
    expect(structuredClone(facts)).toEqual(facts);
  });
});

describe('subject keys', () => {
  const part = fc.string({ unit: 'grapheme', maxLength: 12 });
  const subject: fc.Arbitrary<Subject> = fc.oneof(
    fc.record({ scope: fc.constant('operation' as const), service: part, name: part }),
    fc.record({
      scope: fc.constant('edge' as const),
      service: part,
      name: part,
      callee: fc.record({ service: part, name: part }),
    }),
    fc.record({ scope: fc.constant('peer-edge' as const), service: part, name: part, peer: part }),
  );

  it('turn back into their subject, whatever the names hold (colons, digits, NULs)', () => {
    fc.assert(
      fc.property(subject, (s) => {
        expect(subjectOf(subjectKey(s))).toEqual(s);
      }),
    );
    expect(subjectOf(operationKey('a1:2', '3:b'))).toEqual({
      scope: 'operation',
      service: 'a1:2',
      name: '3:b',
    });
  });

  it('differ for different subjects', () => {
    fc.assert(
      fc.property(subject, subject, (a, b) => {
        expect(subjectKey(a) === subjectKey(b)).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
    );
  });
});
