import { detectPerf } from '../../../src/analysis/perf/detect-perf.js';
import type { PerfFinding } from '../../../src/analysis/perf/perf-findings.js';
import { DEFAULT_PERF_THRESHOLDS, type PerfThresholds } from '../../../src/analysis/perf/thresholds.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { frozen, makeTrace, type SpanSpec, sid } from '../../helpers/make-span.js';

/**
 * Spans of calls for the performance detectors' tests, as instrumentations write them; times in
 * ms from 0. Ids are short hex (`'a'`, `'c1'`); `hexId(i)` numbers the calls of a loop.
 */

/** A query to postgresql on orders-db:5432 (peer `orders-db:5432`). */
export function query(
  id: string,
  parent: string,
  startMs: number,
  endMs: number,
  statement: string,
): SpanSpec {
  return {
    ...{
      id,
      parent,
      startMs,
      endMs,
      kind: 'client',
      service: 'order-service',
      name: statement.split(' ')[0],
    },
    attributes: {
      'db.system.name': 'postgresql',
      'db.query.text': statement,
      'server.address': 'orders-db',
      'server.port': 5432,
    },
  };
}

/** An HTTP CLIENT span to `url` (peer: its host and port). */
export function request(
  id: string,
  parent: string,
  startMs: number,
  endMs: number,
  url: string,
  { method = 'GET', status = 200 }: { method?: string; status?: number } = {},
): SpanSpec {
  return {
    ...{ id, parent, startMs, endMs, kind: 'client', service: 'frontend', name: method },
    attributes: { 'http.request.method': method, 'url.full': url, 'http.response.status_code': status },
  };
}

/** A gRPC CLIENT span (`package.Service/Method`). */
export function rpc(
  id: string,
  parent: string,
  startMs: number,
  endMs: number,
  method: string,
  code = 0,
): SpanSpec {
  const [service, name] = method.split('/');
  return {
    ...{ id, parent, startMs, endMs, kind: 'client', service: 'frontend', name: method },
    attributes: {
      'rpc.system': 'grpc',
      'rpc.service': service!,
      'rpc.method': name!,
      'rpc.grpc.status_code': code,
    },
  };
}

/** A SERVER span (the root of a request, or the callee under a CLIENT span). */
export function server(
  id: string,
  parent: string | undefined,
  startMs: number,
  endMs: number,
  route: string,
) {
  return {
    ...{ id, parent, startMs, endMs, kind: 'server', service: 'frontend', name: `GET ${route}` },
    attributes: { 'http.request.method': 'GET', 'http.route': route },
  } satisfies SpanSpec;
}

/** The i-th call of a loop's span id: 100, 101, … in hex. */
export const hexId = (i: number): string => (0x100 + i).toString(16);

/** The 16-character span ids of short ones. */
export const sids = (...ids: string[]): string[] => ids.map((id) => sid(id));

/** detectPerf over the spans, frozen: the detectors must not touch their input. */
export function detect(specs: readonly SpanSpec[], thresholds: PerfThresholds = DEFAULT_PERF_THRESHOLDS) {
  return detectPerf(buildTree(frozen(makeTrace(specs))), thresholds);
}

/** The findings of one kind. */
export function ofKind<K extends PerfFinding['kind']>(findings: readonly PerfFinding[], kind: K) {
  return findings.filter((f): f is Extract<PerfFinding, { kind: K }> => f.kind === kind);
}
