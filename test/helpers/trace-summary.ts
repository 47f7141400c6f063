import type { TraceSummary } from '../../src/model/summary.js';
import { tid } from './make-span.js';

/** A trace's line for `list`: user-service's GET /users, 7 spans, 3 failed, from 2023-11-14T22:13:20.123Z. */
export const traceSummary = (overrides: Partial<TraceSummary> = {}): TraceSummary => ({
  traceId: tid('a1'),
  start: 1_700_000_000_123_456_789n,
  durationMs: 6123.4567,
  spanCount: 7,
  errorCount: 3,
  rootService: 'user-service',
  rootName: 'GET /users',
  rootMissing: false,
  services: ['user-service'],
  ...overrides,
});
