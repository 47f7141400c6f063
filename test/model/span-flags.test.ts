import { describe, expect, it } from 'vitest';
import { findTreeDefects } from '../../src/analysis/checks.js';
import { findOrphans } from '../../src/analysis/propagation/orphans.js';
import { buildTree } from '../../src/model/build-tree.js';
import { parentIsRemote } from '../../src/model/span-flags.js';
import { makeSpan, makeTrace } from '../helpers/make-span.js';

describe('parentIsRemote: OTLP span flags bits 8 (known) and 9 (remote)', () => {
  it.each([
    [undefined, undefined],
    [0x01, undefined], // sampled, nothing said of the parent
    [0x201, undefined], // IS_REMOTE without HAS_IS_REMOTE means nothing
    [0x101, false],
    [0x301, true],
    [0xfffffc01 | 0x300, true], // reserved bits 10-31 set: still read by the two bits
  ])('flags %s → %s', (flags, expected) => {
    expect(parentIsRemote({ flags })).toBe(expected);
  });
});

describe('show and check-propagation read the flags alike', () => {
  // A root, and an INTERNAL span whose parent is missing: only the flags can say it was remote.
  const orphanWith = (flags: number) =>
    buildTree(
      makeTrace([
        makeSpan({ id: 'a', kind: 'server', endMs: 100 }),
        makeSpan({ id: 'b', parent: 'dead', startMs: 10, endMs: 20, flags }),
      ]),
    );

  it.each([
    [0x200, false],
    [0x100, false],
    [0x300, true],
  ])('flags %s: remote parent %s in both', (flags, remote) => {
    const tree = orphanWith(flags);
    const inShow = findTreeDefects({ tree, facts: [] }).find((f) => f.kind === 'orphan-span');
    const inCheck = findOrphans(tree)[0];
    expect(inShow).toMatchObject({ remoteParent: remote });
    expect(inCheck).toMatchObject({ cause: remote ? 'remote-parent-not-collected' : 'parent-lost' });
  });
});
