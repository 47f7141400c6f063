import { describe, expect, it } from 'vitest';
import { findOrphans } from '../../../src/analysis/propagation/orphans.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { frozen, makeTrace, type SpanSpec, sid, TEST_TRACE_ID } from '../../helpers/make-span.js';

const orphansOf = (specs: SpanSpec[]) => findOrphans(buildTree(frozen(makeTrace(specs))));
const causes = (specs: SpanSpec[]) => orphansOf(specs).map((f) => ('cause' in f ? f.cause : f.kind));
const ROOT: SpanSpec = { id: 'a', name: 'root', kind: 'server', startMs: 0, endMs: 100 };

describe('findOrphans', () => {
  it('finds nothing in a connected trace', () => {
    expect(orphansOf([ROOT, { id: 'b', parent: 'a', startMs: 1 }])).toEqual([]);
  });

  it('one finding per missing parent, naming the first of its orphans and how many there are', () => {
    const findings = orphansOf([
      ROOT,
      { id: 'c', parent: 'beef', name: 'second', service: 'worker', startMs: 20 },
      { id: 'b', parent: 'beef', name: 'first', service: 'worker', startMs: 10 },
      { id: 'd', parent: 'beef', name: 'third', service: 'worker', startMs: 30 },
    ]);
    expect(findings).toEqual([
      {
        kind: 'orphan-span',
        traceId: TEST_TRACE_ID,
        spanId: sid('b'),
        service: 'worker',
        operation: 'first',
        parentSpanId: sid('beef'),
        cause: 'parent-lost',
        siblings: 3,
      },
    ]);
  });

  it('every span under one missing span, and no root: the root has not arrived', () => {
    expect(
      orphansOf([
        { id: 'b', parent: 'dead', kind: 'server', startMs: 1 },
        { id: 'c', parent: 'dead', startMs: 2 },
        { id: 'd', parent: 'b', startMs: 3 },
      ]),
    ).toMatchObject([{ cause: 'root-not-arrived', siblings: 2, spanId: sid('b') }]);
  });

  it('beside a real root: a SERVER or CONSUMER orphan had a caller that was never collected', () => {
    expect(causes([ROOT, { id: 'b', parent: 'dead', kind: 'server', startMs: 1 }])).toEqual([
      'remote-parent-not-collected',
    ]);
    expect(causes([ROOT, { id: 'b', parent: 'dead', kind: 'consumer', startMs: 1 }])).toEqual([
      'remote-parent-not-collected',
    ]);
  });

  it('reads the flags: remote-parent known and set means remote, whatever the kind', () => {
    expect(causes([ROOT, { id: 'b', parent: 'dead', kind: 'internal', flags: 0x301, startMs: 1 }])).toEqual([
      'remote-parent-not-collected',
    ]);
    // 0x100 alone: known to be local. 0x200 without 0x100 means nothing.
    expect(causes([ROOT, { id: 'b', parent: 'dead', kind: 'internal', flags: 0x101, startMs: 1 }])).toEqual([
      'parent-lost',
    ]);
    expect(causes([ROOT, { id: 'b', parent: 'dead', kind: 'client', flags: 0x201, startMs: 1 }])).toEqual([
      'parent-lost',
    ]);
  });

  it('several missing parents and no root: not one late root, each judged by its span', () => {
    expect(
      causes([
        { id: 'b', parent: 'dead', kind: 'server', startMs: 1 },
        { id: 'c', parent: 'beef', kind: 'internal', startMs: 2 },
      ]),
    ).toEqual(['remote-parent-not-collected', 'parent-lost']);
  });

  it('a span cut out of a parent loop is no orphan', () => {
    expect(
      orphansOf([
        { id: 'a', parent: 'b', startMs: 0 },
        { id: 'b', parent: 'a', startMs: 1 },
      ]),
    ).toEqual([]);
  });
});
