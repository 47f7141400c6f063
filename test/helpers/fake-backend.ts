import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface FakeBackend {
  readonly url: string;
  /** Every request path (with query) in arrival order, and its headers. */
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 answering with `handler`; counts what it was asked. */
export async function startFakeBackend(
  handler: (req: IncomingMessage, res: ServerResponse, count: number) => void,
): Promise<FakeBackend> {
  const requests: FakeBackend['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
}

/**
 * For a test file: `serve(handler)` starts a fake backend that is closed after each test.
 * Call once at the top of the file.
 */
export function useFakeBackend(): (
  handler: (req: IncomingMessage, res: ServerResponse, count: number) => void,
) => Promise<FakeBackend> {
  let backend: FakeBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });
  return async (handler) => {
    backend = await startFakeBackend(handler);
    return backend;
  };
}
