import { describe, expect, it } from 'vitest';
import { isFiltering, type TraceQuery } from '../../src/model/query.js';
import type { Nanos } from '../../src/model/types.js';
import { ANY_QUERY } from '../helpers/query.js';

describe('isFiltering', () => {
  it('is false for a search that only bounds the number of traces', () => {
    expect(isFiltering(ANY_QUERY)).toBe(false);
    expect(isFiltering({ ...ANY_QUERY, limit: 5 })).toBe(false);
    expect(isFiltering({ ...ANY_QUERY, limit: Number.POSITIVE_INFINITY })).toBe(false);
  });

  it('is true as soon as any one filter is set', () => {
    const filters: Partial<TraceQuery>[] = [
      { service: 'user-service' },
      { operation: 'GET /orders' },
      { tags: [['http.response.status_code', '500']] },
      { start: 1_700_000_000_000_000_000n as Nanos },
      { end: 1_700_000_000_000_000_000n as Nanos },
      { minDuration: 100_000_000n as Nanos },
    ];
    for (const filter of filters)
      expect(isFiltering({ ...ANY_QUERY, ...filter }), JSON.stringify(Object.keys(filter))).toBe(true);
  });

  it('counts an empty service name or a zero duration as a filter: they were given', () => {
    expect(isFiltering({ ...ANY_QUERY, service: '' })).toBe(true);
    expect(isFiltering({ ...ANY_QUERY, minDuration: 0n as Nanos })).toBe(true);
  });
});
