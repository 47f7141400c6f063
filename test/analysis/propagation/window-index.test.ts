import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tracePart } from '../../../src/analysis/propagation/check-propagation.js';
import type { Located } from '../../../src/analysis/propagation/trace-index.js';
import { TraceIndex } from '../../../src/analysis/propagation/trace-index.js';
import {
  byTraceOrder,
  WindowIndex,
  type WindowTrace,
} from '../../../src/analysis/propagation/window-index.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { earliestStart } from '../../../src/model/collect-traces.js';
import type { Span, SpanKind, Trace } from '../../../src/model/types.js';
import { makeSpan, ms, sid, tid } from '../../helpers/make-span.js';

/**
 * The window's index, traces added and taken back, against a TraceIndex built afresh over the
 * traces in the window and sealed: every lookup the checks make answers the same, in the same
 * order. Traces are random and small, from few services, ids, addresses and instants, so that
 * ties, the same trace id twice, several links to one span and addresses shared by services
 * all happen.
 */
const NO_EXTERNAL = { external: new Set<string>() };
const SERVICES = ['a', 'b', 'c'];
const KINDS: SpanKind[] = ['server', 'client', 'consumer', 'producer', 'internal'];

const spanArb = fc.record({
  service: fc.constantFrom(...SERVICES),
  kind: fc.constantFrom(...KINDS),
  startMs: fc.integer({ min: 0, max: 30 }),
  lengthMs: fc.integer({ min: 0, max: 15 }),
  // 0: a root; else the span that many places before it is its parent (or a parent not there).
  parent: fc.integer({ min: 0, max: 3 }),
  linkTo: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  port: fc.option(fc.constantFrom(80, 81), { nil: undefined }),
});
const traceArb = fc.record({
  id: fc.integer({ min: 1, max: 6 }),
  spans: fc.array(spanArb, { minLength: 1, maxLength: 5 }),
});
type TraceSpec = typeof traceArb extends fc.Arbitrary<infer T> ? T : never;

function traceOf({ id, spans }: TraceSpec): Trace {
  const trace = id.toString(16);
  return {
    traceId: tid(trace),
    warnings: [],
    spans: spans.map((s, i) =>
      makeSpan({
        trace,
        id: (i + 1).toString(16),
        ...(s.parent > 0 && { parent: (i + 1 - s.parent > 0 ? i + 1 - s.parent : 0xff).toString(16) }),
        service: s.service,
        kind: s.kind,
        start: ms(s.startMs),
        end: ms(s.startMs + s.lengthMs),
        links:
          s.linkTo === undefined
            ? []
            : [{ traceId: tid(s.linkTo.toString(16)), spanId: sid('1'), attributes: {} }],
        attributes: s.port === undefined ? {} : { 'server.address': 'host', 'server.port': s.port },
      }),
    ),
  };
}

const names = (list: readonly Located[]) => list.map(({ traceId, span }) => `${traceId}/${span.spanId}`);
const sortedEntries = <V>(map: ReadonlyMap<string, V>) => [...map].sort(([a], [b]) => (a < b ? -1 : 1));

describe('WindowIndex', () => {
  it('answers every lookup as a TraceIndex built afresh over the window would, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(traceArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 50 }), fc.integer({ min: 0, max: 20 })), {
          minLength: 5,
          maxLength: 5,
        }),
        (batches, capacity, probes) => {
          const index = new WindowIndex();
          let window: WindowTrace[] = [];
          let seq = 0;
          for (const batch of batches) {
            const added = batch.map((spec) => {
              const trace = traceOf(spec);
              const part = tracePart(buildTree(trace), NO_EXTERNAL, 'all');
              return { start: earliestStart(trace), traceId: trace.traceId, seq: seq++, part, live: true };
            });
            index.add(added);
            window = [...window, ...added].sort(byTraceOrder);
            const fresh = new TraceIndex();
            for (const { traceId, part } of window) fresh.add(traceId, part.index);
            fresh.seal();
            expect([...index.services].sort()).toEqual([...fresh.services].sort());
            expect(sortedEntries(index.serviceAt)).toEqual(sortedEntries(fresh.serviceAt));
            expect(sortedEntries(index.linkedFrom)).toEqual(sortedEntries(fresh.linkedFrom));
            for (const [from, length] of probes) {
              const [lo, hi] = [ms(from), ms(from + length)];
              expect(names(index.calleeRootsStartingIn(lo, hi))).toEqual(
                names(fresh.calleeRootsStartingIn(lo, hi)),
              );
              // TraceIndex lists only the services of its other roots, the only ones it is asked about.
              for (const service of new Set(fresh.otherRoots.map((r) => r.span.service)))
                expect(names(index.spansOfServiceAround(service, lo))).toEqual(
                  names(fresh.spansOfServiceAround(service, lo)),
                );
            }
            // The earliest leave past the capacity, as in the live window.
            while (window.length > capacity) index.remove(window.shift()!);
          }
          expect(index.spansIndexed).toBe(batches.flat().reduce((n, t) => n + t.spans.length, 0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets go of what a trace brought when it leaves: services, addresses, links and lists', () => {
    const index = new WindowIndex();
    const trace: Trace = {
      traceId: tid('1'),
      warnings: [],
      spans: [
        makeSpan({
          trace: '1',
          id: '1',
          service: 'shop',
          kind: 'server',
          attributes: { 'server.address': 'shop', 'server.port': 80 },
        }),
        makeSpan({
          trace: '1',
          id: '2',
          parent: '1',
          service: 'worker',
          kind: 'consumer',
          links: [{ traceId: tid('9'), spanId: sid('9'), attributes: {} }],
        }),
      ] satisfies Span[],
    };
    const member = {
      start: earliestStart(trace),
      traceId: trace.traceId,
      seq: 0,
      part: tracePart(buildTree(trace), NO_EXTERNAL, 'all'),
      live: true,
    };
    index.add([member]);
    expect([...index.services].sort()).toEqual(['shop', 'worker']);
    expect(index.serviceAt.get('shop:80')).toBe('shop');
    expect(index.linkedFrom.get(`${tid('9')}/${sid('9')}`)).toBe('worker');
    expect(names(index.calleeRootsStartingIn(0n, ms(10)))).toEqual([`${tid('1')}/${sid('1')}`]);
    index.remove(member);
    expect([...index.services]).toEqual([]);
    expect([...index.serviceAt]).toEqual([]);
    expect([...index.linkedFrom]).toEqual([]);
    expect(index.calleeRootsStartingIn(0n, ms(10))).toEqual([]);
    expect(index.spansOfServiceAround('shop', ms(0))).toEqual([]);
  });
});
