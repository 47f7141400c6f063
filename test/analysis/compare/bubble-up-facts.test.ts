import { describe, expect, it } from 'vitest';
import {
  type BubbleUpEntry,
  bubbleUpFactsOf,
  MAX_VALUE_LENGTH,
  MAX_VALUES_IN_TRACE,
  traceEntriesOf,
} from '../../../src/analysis/compare/bubble-up-facts.js';
import { hashText } from '../../../src/analysis/compare/bubble-up-order.js';
import { parseWhere } from '../../../src/analysis/compare/where-predicate.js';
import { frozen, makeTrace, sid } from '../../helpers/make-span.js';

const sorted = (entries: readonly BubbleUpEntry[]) => [...entries].map((e) => JSON.stringify(e)).sort();

const RESOURCE = { 'service.name': 'order-service', 'k8s.pod.name': 'order-7f9c' };

describe('traceEntriesOf', () => {
  it('gives each service, name, span and resource attribute once, and the duration in ms', () => {
    const trace = frozen(
      makeTrace([
        {
          id: 'a',
          service: 'order-service',
          name: 'GET',
          endMs: 250,
          resource: RESOURCE,
          attributes: { n: 1 },
        },
        {
          id: 'b',
          parent: 'a',
          service: 'order-service',
          name: 'GET',
          resource: RESOURCE,
          attributes: { n: 1, ok: true },
        },
      ]),
    );
    const { entries, keysCapped } = traceEntriesOf(trace);
    expect(keysCapped).toBe(false);
    expect(sorted(entries)).toEqual(
      sorted([
        ['intrinsic', 'service', 'order-service'],
        ['intrinsic', 'name', 'GET'],
        ['intrinsic', 'duration', 250],
        ['span', 'n', 1],
        ['span', 'ok', 'true'],
        ['resource', 'k8s.pod.name', 'order-7f9c'],
      ]),
    );
  });

  it('does not compare the trace’s own ids, long values or a key with too many values in the trace', () => {
    const many = Array.from({ length: MAX_VALUES_IN_TRACE + 1 }, (_, i) => ({
      id: (i + 1).toString(16),
      attributes: { 'db.statement': `SELECT ${i}` },
    }));
    const trace = makeTrace([
      ...many,
      {
        id: 'beef',
        attributes: {
          parent_id: sid('1').toUpperCase(),
          trace_id: makeTrace([{}]).traceId,
          other_id: sid('fff'),
          stack: 'x'.repeat(MAX_VALUE_LENGTH + 1),
          list: ['a', 'b'],
          big: ['y'.repeat(MAX_VALUE_LENGTH)],
        },
      },
    ]);
    const entries = traceEntriesOf(trace).entries.filter(([scope]) => scope === 'span');
    expect(sorted(entries)).toEqual(
      sorted([
        ['span', 'db.statement', null],
        ['span', 'parent_id', null],
        ['span', 'trace_id', null],
        ['span', 'other_id', sid('fff')],
        ['span', 'stack', null],
        ['span', 'list', '["a","b"]'],
        ['span', 'big', null],
      ]),
    );
  });

  it('is the same set whatever the order of the spans', () => {
    const specs = [
      { id: 'a', attributes: { k: 'x' } },
      { id: 'b', parent: 'a', attributes: { k: 'y' }, resource: { r: 1 } },
      { id: 'c', parent: 'a', service: 'db', name: 'q' },
    ];
    const forward = traceEntriesOf(makeTrace(specs)).entries;
    const backward = traceEntriesOf(makeTrace([...specs].reverse())).entries;
    expect(sorted(backward)).toEqual(sorted(forward));
  });

  it('keeps at most maxKeys keys, the first by hash, and says so', () => {
    const attributes = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, i]));
    const trace = makeTrace([{ attributes }]);
    const { entries, keysCapped } = traceEntriesOf(trace, { maxKeys: 5, maxValues: 10 });
    expect(keysCapped).toBe(true);
    const ids = (scope: string, key: string) => ({ key, hash: hashText(`${scope}\u0000${key}`) });
    const everyKey = [
      ...Object.keys(attributes).map((k) => ids('span', k)),
      ids('intrinsic', 'service'),
      ids('intrinsic', 'name'),
      ids('intrinsic', 'duration'),
    ].sort((a, b) => a.hash - b.hash);
    expect(entries.map(([, key]) => key).sort()).toEqual(
      everyKey
        .slice(0, 5)
        .map((k) => k.key)
        .sort(),
    );
  });
});

describe('bubbleUpFactsOf', () => {
  it('says whether the predicate holds', () => {
    const trace = makeTrace([{ service: 'a', status: { code: 'error', message: 'boom' } }]);
    expect(bubbleUpFactsOf(trace, parseWhere('error')).selected).toBe(true);
    expect(bubbleUpFactsOf(trace, parseWhere('service=b')).selected).toBe(false);
  });
});
