import type { TraceQuery } from '../../src/model/query.js';

/** A search with no filter: spread it and set what a test needs. */
export const ANY_QUERY: TraceQuery = {
  service: undefined,
  operation: undefined,
  tags: [],
  start: undefined,
  end: undefined,
  minDuration: undefined,
  limit: 100,
  traceQL: undefined,
};
