import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT } from './run-cli.js';

/**
 * Answers recorded from the real Jaeger v2 (fixtures/jaeger-v2/, re-recorded by
 * `npm run real-world:record`): status, content type and body bytes as Jaeger sent them.
 */
export interface RecordedAnswer {
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const DIR = join(REPO_ROOT, 'fixtures', 'jaeger-v2');

interface Index {
  readonly traces: {
    readonly hotrodDispatch: string;
    readonly hotrodUnknownCustomer: string;
    readonly hotrodBurst: string;
    readonly seed: Readonly<Record<string, readonly string[]>>;
  };
  readonly answers: Readonly<
    Record<string, { path: string; status: number; contentType: string; body: string }>
  >;
}

export const RECORDED: Index = JSON.parse(readFileSync(join(DIR, 'answers.json'), 'utf8'));

export function recorded(name: string): RecordedAnswer {
  const entry = RECORDED.answers[name];
  if (!entry) throw new Error(`no recorded Jaeger answer named ${name}`);
  return { ...entry, body: readFileSync(join(DIR, entry.body), 'utf8') };
}

export function sendRecorded(res: ServerResponse, answer: RecordedAnswer): void {
  res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
}

/** The trace ids with a recorded GetTrace answer, by API. */
function tracesRecorded(api: 'v3' | 'v1'): Map<string, RecordedAnswer> {
  const out = new Map<string, RecordedAnswer>();
  for (const name of Object.keys(RECORDED.answers)) {
    const answer = recorded(name);
    const match = answer.path.match(
      api === 'v3' ? /^\/api\/v3\/traces\/([0-9a-f]+)$/ : /^\/api\/traces\/([0-9a-f]+)$/,
    );
    if (match && answer.status === 200) out.set(match[1]!, answer);
  }
  return out;
}

/**
 * Jaeger 2.13 as recorded: GetTrace for the recorded ids (v3 and v1), "No traces found" / "trace
 * not found" for any other, search for user-service and order-service (nothing for any other
 * service), the 500 of a search deeper than its max_traces, the 400 of a search without a window,
 * services, and the UI's page (200, HTML) for every other path, /api/v3/trace-summaries among
 * them (this Jaeger predates them). `v3: 'plain-404'` hides api_v3 as a Jaeger-compatible backend
 * does; `v3: 'ui-page'` as a Jaeger that predates api_v3 over HTTP does (its UI answers).
 */
export function recordedJaeger(
  options: { v3?: 'served' | 'plain-404' | 'ui-page' } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const v3Traces = tracesRecorded('v3');
  const v1Traces = tracesRecorded('v1');
  const uiPage = recorded('trace-summaries');
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://jaeger');
    const path = url.pathname;
    if (path.startsWith('/api/v3/') && options.v3 === 'plain-404') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    if (path.startsWith('/api/v3/') && options.v3 === 'ui-page') return sendRecorded(res, uiPage);
    const v3Trace = path.match(/^\/api\/v3\/traces\/([0-9a-f]+)$/);
    if (v3Trace) return sendRecorded(res, v3Traces.get(v3Trace[1]!) ?? recorded('trace-not-found.v3'));
    const v1Trace = path.match(/^\/api\/traces\/([0-9a-f]+)$/);
    if (v1Trace) return sendRecorded(res, v1Traces.get(v1Trace[1]!) ?? recorded('trace-not-found.v1'));
    if (path === '/api/v3/traces') {
      const depth = Number(url.searchParams.get('query.num_traces') ?? 0);
      if (!url.searchParams.get('query.start_time_min') || !url.searchParams.get('query.start_time_max'))
        return sendRecorded(res, recorded('search-no-window.v3'));
      if (depth <= 0 || depth > 100_000) return sendRecorded(res, recorded('search-too-deep.v3'));
      const service = url.searchParams.get('query.service_name');
      const name = `search-${service}.v3`;
      return sendRecorded(res, name in RECORDED.answers ? recorded(name) : recorded('search-no-match.v3'));
    }
    if (path === '/api/traces') {
      const service = url.searchParams.get('service');
      return sendRecorded(
        res,
        recorded(service === 'user-service' ? 'search-user-service.v1' : 'search-no-match.v1'),
      );
    }
    if (path === '/api/v3/services') return sendRecorded(res, recorded('services.v3'));
    if (path === '/api/services') return sendRecorded(res, recorded('services.v1'));
    sendRecorded(res, uiPage);
  };
}
