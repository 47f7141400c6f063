import type { Report, ReportCheck } from '../../src/render/report.js';

/** A Report made up for the CI formats' tests (test/render/formats/): what a command would hand them. */
export const reportOf = (checks: readonly ReportCheck[], overrides: Partial<Report> = {}): Report => ({
  command: 'otrace show',
  title: 'Trace 4bf92f3577b34da6a3ce929d0e0e4736',
  summary: 'user-service → order-service failed: HTTP 502 in GET after 5.0ms.',
  json: { schemaVersion: 1 },
  items: [],
  text: () => 'text\n',
  checks,
  ...overrides,
});

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export const FAILED_ERROR: ReportCheck = {
  name: 'GET (user-service)',
  status: 'failed',
  severity: 'error',
  message: 'user-service → order-service failed: HTTP 502',
  traceId: TRACE_ID,
  details: 'trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7: HTTP 502\nsecond line',
};
export const FAILED_WARNING: ReportCheck = {
  name: 'orphan-span 1',
  status: 'failed',
  severity: 'warning',
  message: 'stray (svc): parent 00000000000000ff is not in the trace',
};
export const PASSED: ReportCheck = {
  name: 'web → user-service',
  status: 'passed',
  severity: 'error',
  message: 'user-service continued 12 of 12 calls from web',
};
