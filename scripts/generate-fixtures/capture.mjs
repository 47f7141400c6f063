// What the fixture generators share: a capture server on 127.0.0.1 standing in for a Collector's
// OTLP/HTTP receiver, and the scrubbing of machine facts out of what it captured.
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Keeps the body of every POST /v1/traces as text, in the order they arrive. */
export function startCaptureServer() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, bodies, port: server.address().port }));
  });
}

/** Machine facts out: absolute paths in stack traces become repository-relative. */
export function scrub(text) {
  return text.split(`${repoRoot}/`).join('').split(`file://${repoRoot}/`).join('');
}
