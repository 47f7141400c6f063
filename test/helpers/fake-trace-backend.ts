import type { TraceQuery } from '../../src/model/query.js';
import type { TraceId } from '../../src/model/types.js';
import type { BackendKind, TraceBackend } from '../../src/sources/trace-backend.js';

/** What a fake backend was asked, in order. */
export interface BackendCalls {
  readonly fetchTrace: TraceId[];
  readonly searchTraces: TraceQuery[];
  readonly traceSummaries: TraceQuery[];
  services: number;
}

/**
 * A TraceBackend in memory, for pipeline tests that need no HTTP: each method answers as given,
 * and one not given fails the test that calls it. Records every call.
 */
export function fakeTraceBackend(
  kind: BackendKind,
  answers: Partial<Pick<TraceBackend, 'fetchTrace' | 'searchTraces' | 'traceSummaries' | 'services'>>,
): TraceBackend & { readonly calls: BackendCalls } {
  const calls: BackendCalls = { fetchTrace: [], searchTraces: [], traceSummaries: [], services: 0 };
  const unexpected = (method: string) => () => Promise.reject(new Error(`unexpected call: ${method}`));
  return {
    kind,
    baseUrl: `http://${kind}.test`,
    calls,
    fetchTrace: (id) => {
      calls.fetchTrace.push(id);
      return (answers.fetchTrace ?? unexpected('fetchTrace'))(id);
    },
    searchTraces: (query) => {
      calls.searchTraces.push(query);
      return (answers.searchTraces ?? unexpected('searchTraces'))(query);
    },
    traceSummaries: (query) => {
      calls.traceSummaries.push(query);
      return (answers.traceSummaries ?? unexpected('traceSummaries'))(query);
    },
    services: () => {
      calls.services++;
      return (answers.services ?? unexpected('services'))();
    },
    close: () => Promise.resolve(),
  };
}
