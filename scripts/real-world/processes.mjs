// Starting and stopping the real backends' processes. Each process started here is stopped by its
// `stop()`, and killed when this Node process exits whatever the reason, so a failing test or an
// interrupted script leaves nothing running. Every wait is bounded.
import { spawn } from 'node:child_process';
import http from 'node:http';

const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Kills `child` when this process exits, if it is still running then. */
export function killOnExit(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

// A port nothing listens on: the seed demo's helper, for the backends too.
export { freePort } from '../../examples/seed/services/orchestrate.mjs';

/**
 * Starts `command` with its output kept (the last 200 lines) for the message of a failure.
 * `stop()` sends SIGTERM, then SIGKILL after `graceMs`; it resolves once the process is gone.
 */
export function startProcess(name, command, args, { env = {}, cwd, graceMs = 5000 } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) if (line !== '') lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      running.delete(child);
      lines.push(String(error));
      resolve({ code: null, signal: null, error });
    });
  });
  return {
    name,
    child,
    exited,
    output: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || !running.has(child)) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/**
 * Polls `check` (an async function returning a value, or undefined to go on) every `everyMs`,
 * at most `timeoutMs` in all; rejects naming `what` and the process's last output if it ends.
 */
export async function waitFor(what, check, { timeoutMs = 30_000, everyMs = 200, process: proc } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / everyMs) + 1; attempt++) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null))
      throw new Error(`${what}: ${proc.name} exited early:\n${proc.output()}`);
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() + everyMs > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `${what}: not ready within ${timeoutMs} ms${proc ? `; ${proc.name} said:\n${proc.output()}` : ''}`,
  );
}

/** GET `url` on loopback: status, content type, headers and body, within `timeoutMs`. */
export function get(url, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => {
        body += d;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          contentType: res.headers['content-type'] ?? '',
          headers: res.headers,
          body,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
