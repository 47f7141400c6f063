import { describe, expect, it } from 'vitest';
import { ClockSkewCheck } from '../../../src/analysis/propagation/clock-skew.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { frozen, makeTrace, type SpanSpec, sid, tid } from '../../helpers/make-span.js';

/** A CLIENT span of `caller` at 100-200 ms calling a SERVER span of `callee` at the given times. */
const call = (
  server: Partial<SpanSpec>,
  { trace = '1', caller = 'frontend', callee = 'orders', client = {} as Partial<SpanSpec> } = {},
): SpanSpec[] => [
  { id: 'a', trace, name: 'GET', kind: 'client', service: caller, startMs: 100, endMs: 200, ...client },
  {
    id: 'b',
    trace,
    parent: 'a',
    name: 'GET /orders',
    kind: 'server',
    service: callee,
    startMs: 110,
    endMs: 190,
    ...server,
  },
];
const partOf = (specs: SpanSpec[]) => ClockSkewCheck.partOf(buildTree(frozen(makeTrace(specs))));
const offsets = (specs: SpanSpec[]) => partOf(specs).map((p) => p.offset);

describe('ClockSkewCheck.partOf', () => {
  it('finds nothing where the callee runs inside its caller', () => {
    expect(partOf(call({}))).toEqual([]);
  });

  it('a callee starting more than 1 ms before its caller: its clock is behind by that much', () => {
    const parts = partOf(call({ startMs: 98.8 }));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.parent.spanId).toBe(sid('a'));
    expect(parts[0]!.child.spanId).toBe(sid('b'));
    expect(parts[0]!.offset).toBeCloseTo(-1.2, 9);
    expect(offsets(call({ startMs: 99 }))).toEqual([]);
    expect(offsets(call({ startMs: 98.999999 }))).toHaveLength(1);
  });

  it('a SERVER span ending more than 25 ms after the CLIENT that got its answer: its clock is ahead', () => {
    expect(offsets(call({ endMs: 225 }))).toEqual([]);
    expect(offsets(call({ endMs: 230 }))).toEqual([30]);
  });

  it('a late end is no skew when the client failed (it may have given up first) or is not a client', () => {
    expect(
      offsets(call({ endMs: 300 }, { client: { status: { code: 'error', message: 'timeout' } } })),
    ).toEqual([]);
    expect(offsets(call({ endMs: 300 }, { client: { kind: 'internal' } }))).toEqual([]);
    expect(offsets(call({ endMs: 300, kind: 'internal' }))).toEqual([]);
  });

  it('an early start counts on any pair of spans of different services', () => {
    expect(offsets(call({ startMs: 90, kind: 'internal' }, { client: { kind: 'producer' } }))).toEqual([-10]);
  });

  it('leaves children of the same service alone: one clock', () => {
    expect(offsets(call({ startMs: 50, endMs: 400 }, { callee: 'frontend' }))).toEqual([]);
  });
});

describe('ClockSkewCheck', () => {
  it('aggregates per pair of services with the median offset, naming the first pair seen', () => {
    const check = new ClockSkewCheck();
    for (const [trace, startMs] of [
      ['1', 97],
      ['2', 98],
      ['3', 96],
    ] as const) {
      check.add(tid(trace), partOf(call({ startMs }, { trace })));
    }
    check.add(tid('4'), partOf(call({ endMs: 260 }, { trace: '4', caller: 'orders', callee: 'db-proxy' })));
    expect(check.findings()).toEqual([
      {
        kind: 'clock-skew',
        traceId: tid('1'),
        spanId: sid('a'),
        service: 'frontend',
        operation: 'GET',
        peerService: 'orders',
        spans: 3,
        // -4, -3, -2: the median by nearest rank.
        offsetMs: -3,
      },
      {
        kind: 'clock-skew',
        traceId: tid('4'),
        spanId: sid('a'),
        service: 'orders',
        operation: 'GET',
        peerService: 'db-proxy',
        spans: 1,
        offsetMs: 60,
      },
    ]);
  });

  it('takes the lower median of an even count, rounded to the microsecond', () => {
    const check = new ClockSkewCheck();
    for (const [trace, startMs] of [
      ['1', 98.5],
      ['2', 97.1234567],
      ['3', 95],
      ['4', 90],
    ] as const) {
      check.add(tid(trace), partOf(call({ startMs }, { trace })));
    }
    // Offsets -10, -5, -2.876543, -1.5: rank 2 of 4 is -5.
    expect(check.findings()).toMatchObject([{ spans: 4, offsetMs: -5 }]);
    const one = new ClockSkewCheck();
    one.add(tid('2'), partOf(call({ startMs: 97.1234567 }, { trace: '2' })));
    expect(one.findings()).toMatchObject([{ spans: 1, offsetMs: -2.877 }]);
  });

  it('tells the two directions of one pair apart', () => {
    const check = new ClockSkewCheck();
    check.add(tid('1'), partOf(call({ startMs: 90 }, { caller: 'a', callee: 'b' })));
    check.add(tid('2'), partOf(call({ startMs: 90 }, { trace: '2', caller: 'b', callee: 'a' })));
    expect(check.findings().map((f) => `${f.service} → ${'peerService' in f ? f.peerService : ''}`)).toEqual([
      'a → b',
      'b → a',
    ]);
  });

  it('finds nothing when nothing was added', () => {
    const check = new ClockSkewCheck();
    check.add(tid('1'), []);
    expect(check.findings()).toEqual([]);
  });
});
