import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { json, useFakeBackend } from '../helpers/fake-backend.js';
import { recorded } from '../helpers/recorded-jaeger.js';
import { runCli, tempFile } from '../helpers/run-cli.js';

/**
 * The commands over many traces read a backend's search answer as it arrives (decoded trace by
 * trace, never one string or one parsed answer): an answer that comes a few bytes at a time, cut
 * at every kind of place, reports what the same answer reports read from a file, and a malformed
 * trace in the middle of it is refused in the one line the file's is, at the same place.
 */
const serve = useFakeBackend();

/** A Jaeger whose search answers `body` (api_v3 or v1) in writes of `size` bytes; nothing else is there. */
function jaegerAnswering(body: string, api: 'v3' | 'v1', size: number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === (api === 'v3' ? '/api/v3/traces' : '/api/traces')) {
      res.writeHead(200, { 'content-type': api === 'v3' ? 'text/plain; charset=utf-8' : 'application/json' });
      res.socket?.setNoDelay(true);
      const bytes = Buffer.from(body);
      let at = 0;
      const next = () => {
        if (res.destroyed) return;
        if (at >= bytes.length) {
          res.end();
          return;
        }
        const piece = bytes.subarray(at, at + size);
        at += size;
        res.write(piece, () => setImmediate(next));
      };
      next();
    } else json(res, 404, '404 page not found\n', 'text/plain');
  };
}

/** A report with its traces (where it lists them) ordered by id. */
function byTraceId(report: { traces?: { traceId: string }[] }) {
  return report.traces
    ? { ...report, traces: [...report.traces].sort((a, b) => a.traceId.localeCompare(b.traceId)) }
    : report;
}

const V3_SEARCH = recorded('search-user-service.v3').body;
const V1_SEARCH = recorded('search-user-service.v1').body;

describe('a search answer read as it arrives', () => {
  it('errors and list report what the same answer read from a file reports', async () => {
    for (const [body, api, size] of [
      [V3_SEARCH, 'v3', 7],
      [V1_SEARCH, 'v1', 13],
    ] as const) {
      const file = tempFile(`search.${api}.json`, body);
      const server = await serve(jaegerAnswering(body, api, size));
      for (const command of [['errors'], ['list']]) {
        const fromFile = await runCli([
          ...command,
          '-f',
          file,
          '--service',
          'user-service',
          '--format',
          'json',
        ]);
        const fromJaeger = await runCli([
          ...command,
          '--jaeger',
          server.url,
          '--service',
          'user-service',
          '--format',
          'json',
        ]);
        expect(fromJaeger.stderr, `${command} ${api}`).toBe('');
        expect(fromJaeger.code).toBe(fromFile.code);
        // A backend's traces are listed newest first, a file's in the order they start.
        expect(byTraceId(JSON.parse(fromJaeger.stdout)), `${command} ${api}`).toEqual(
          byTraceId(JSON.parse(fromFile.stdout)),
        );
      }
      await server.close();
    }
  });

  it('refuses a malformed trace in the middle in one line, at the place the file read names', async () => {
    const doc = JSON.parse(V1_SEARCH) as { data: { spans: { spanID: string }[] }[] };
    doc.data[6]!.spans[1]!.spanID = 'not-a-span-id';
    const body = JSON.stringify(doc);
    const file = tempFile('malformed.v1.json', body);
    const server = await serve(jaegerAnswering(body, 'v1', 31));
    const fromFile = await runCli(['errors', '-f', file, '--service', 'user-service']);
    const fromJaeger = await runCli(['errors', '--jaeger', server.url, '--service', 'user-service']);
    expect(fromJaeger.code).toBe(2);
    expect(fromJaeger.code).toBe(fromFile.code);
    expect(fromJaeger.stdout).toBe('');
    // The same line, but for where the answer came from.
    const url = `${server.url}/${server.requests.at(-1)!.path.slice(1)}`;
    expect(fromJaeger.stderr).toMatch(/^otrace: \S+:1: data\[6\]\.spans\[1\]\.spanID: .+\n$/);
    expect(fromJaeger.stderr).toBe(fromFile.stderr.replace(file, url));
  });

  it('says an answer cut short is, in one line, and exits 3', async () => {
    const server = await serve(jaegerAnswering(V3_SEARCH.slice(0, 30_000), 'v3', 4096));
    const { code, stdout, stderr } = await runCli([
      'errors',
      '--jaeger',
      server.url,
      '--service',
      'user-service',
    ]);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^otrace: http:\/\/127\.0\.0\.1:\d+\/api\/v3\/traces\?\S+: answered 200 with a body that is not valid JSON \(30000 bytes, starting "\{\\"result\\":\{\\"resourceSpans\\":\[\{\\""\) — the answer may have been cut short by a proxy; try again\n$/,
    );
  });
});
