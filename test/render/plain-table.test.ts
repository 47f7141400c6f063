import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { PLAIN_TABLE } from '../../src/render/plain-table.js';

describe('PLAIN_TABLE', () => {
  it('draws no borders: every border character is empty', () => {
    expect(Object.values(PLAIN_TABLE.chars).every((c) => c === '')).toBe(true);
    expect(Object.keys(PLAIN_TABLE.chars)).toHaveLength(15);
  });

  it('lays a table out in columns two spaces apart, no padding on the left, no colour on the head', () => {
    const table = new Table({ head: ['id', 'name'], ...PLAIN_TABLE });
    table.push(['1', 'alice'], ['22', 'bo']);
    // Each column is as wide as its widest cell plus the two spaces of padding-right.
    expect(table.toString().split('\n')).toEqual(['id  name   ', '1   alice  ', '22  bo     ']);
  });

  it('keeps right-aligned columns aligned on their right edge', () => {
    const table = new Table({ head: ['n'], ...PLAIN_TABLE, colAligns: ['right'] });
    table.push(['5'], ['100']);
    expect(table.toString().split('\n')).toEqual(['  n  ', '  5  ', '100  ']);
  });
});
