import type { ErrorGroup, ErrorReport } from '../../src/analysis/group-errors.js';
import { nanos } from '../../src/model/units.js';
import { ms, tid } from './make-span.js';

/** Literal `errors` reports for the renderers' tests (test/render/errors/). */

/** 2023-11-14T22:13:20.000Z */
export const SEEN_FROM = nanos(1_700_000_000_000_000_000n);

/** An origin group of two refused calls in two traces, p50 4 ms, max 6 ms; override what a test needs. */
export const errorGroup = (overrides: Partial<ErrorGroup> = {}): ErrorGroup => ({
  service: 'user-service',
  operation: 'GET',
  errorType: 'ECONNREFUSED',
  message: 'connect ECONNREFUSED <ip>:<n>',
  errorClass: 'origin',
  where: undefined,
  count: 2,
  traces: 2,
  timedOut: 0,
  firstSeen: SEEN_FROM,
  lastSeen: nanos(SEEN_FROM + ms(60_000)),
  p50: ms(4),
  max: ms(6),
  origin: undefined,
  examples: [tid('a1'), tid('a2')],
  ...overrides,
});

/** Where the refused calls failed: user-service › GET → 127.0.0.1:4001, ECONNREFUSED. */
export const REFUSED_POINT = {
  service: 'user-service',
  operation: 'GET',
  errorType: 'ECONNREFUSED',
  peer: '127.0.0.1:4001',
} as const;

/** The propagated failure above it: an HTTP 502 whose origin is the refused call. */
export const propagatedGroup = (overrides: Partial<ErrorGroup> = {}): ErrorGroup =>
  errorGroup({
    operation: 'get_user_orders',
    errorType: 'HTTP 502',
    message: '',
    errorClass: 'propagated',
    origin: { ...REFUSED_POINT, count: 2 },
    ...overrides,
  });

/** Both groups over 7 traces, 2 of them failing back to the refused call. */
export const errorReport = (overrides: Partial<ErrorReport> = {}): ErrorReport => ({
  service: undefined,
  groupBy: 'all',
  tracesAnalysed: 7,
  tracesWithErrors: 2,
  errorSpans: 4,
  groups: [errorGroup(), propagatedGroup()],
  topOrigin: {
    point: REFUSED_POINT,
    traces: 2,
    failingTraces: 2,
  },
  origins: 1,
  ...overrides,
});
