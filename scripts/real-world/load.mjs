// telemetrygen (the OpenTelemetry Collector project's load generator) as a real client of
// `otrace receive`, over OTLP/gRPC or OTLP/HTTP: a bounded number of spans, then receive is
// stopped as Ctrl-C would once telemetrygen has exited (its shutdown waits until every export was
// acknowledged). Used by the real-world suite (no span lost) and `npm run bench:receive`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTimeout } from '../../examples/seed/services/orchestrate.mjs';
import { killOnExit, startProcess, waitFor } from './processes.mjs';
import { ROOT } from './tools.mjs';

const OTRACE = join(ROOT, 'bin', 'otrace.js');
const PEAK_RSS = join(ROOT, 'bench', 'peak-rss.mjs');

/**
 * Runs telemetrygen against `otrace receive` (or, with `target.jaeger`, against a running
 * Jaeger's OTLP receivers): `workers` × `traces` traces of 1 + `childSpans` spans each.
 * telemetrygen's batch span processor drops spans when its queue (2,048 by default) is full, and
 * with no rate limit it fills at once: the queue is made larger than the load, so that what it
 * generates is what it sends. Returns what was sent and received, telemetrygen's wall time and
 * receive's peak resident set size.
 */
export async function runLoad({ telemetrygen, protocol, workers = 2, traces, childSpans = 1, jaeger }) {
  const sent = workers * traces * (1 + childSpans);
  let receiver;
  let endpoint;
  let dir;
  if (jaeger) {
    endpoint = protocol === 'grpc' ? jaeger.otlpGrpcAddress : jaeger.otlpHttpUrl.replace('http://', '');
  } else {
    dir = mkdtempSync(join(tmpdir(), 'otrace-load-'));
    receiver = startReceiver(join(dir, 'received.jsonl'));
    const addresses = await receiver.addresses;
    endpoint = protocol === 'grpc' ? addresses.grpc : addresses.http;
  }
  try {
    const args = ['traces', '--otlp-endpoint', endpoint, '--otlp-insecure', '--rate', '0'];
    args.push('--workers', String(workers), '--traces', String(traces), '--child-spans', String(childSpans));
    if (protocol === 'http') args.push('--otlp-http');
    const started = process.hrtime.bigint();
    const generator = startProcess('telemetrygen', telemetrygen, args, {
      env: { OTEL_BSP_MAX_QUEUE_SIZE: String(sent + 1000) },
    });
    const { code } = await withTimeout(generator.exited, 300_000, 'telemetrygen');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`telemetrygen exited ${code}:\n${generator.output()}`);
    const generated = [...generator.output().matchAll(/traces generated\s+\{[^}]*"traces": (\d+)/g)].reduce(
      (n, m) => n + Number(m[1]) * (1 + childSpans),
      0,
    );
    if (jaeger) return { sent, generated, seconds };
    // Every export was acknowledged: nothing more is coming, however slow the machine.
    receiver.interrupt();
    const result = await receiver.finished;
    return { sent, generated, seconds, ...result };
  } finally {
    if (receiver) await receiver.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** `otrace receive` on free loopback ports, until `interrupt` (SIGTERM); stdout is dropped. */
function startReceiver(out) {
  const child = spawn(
    process.execPath,
    ['--import', PEAK_RSS, OTRACE, 'receive', '--grpc', '0', '--http', '0', '--out', out],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  killOnExit(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  const addresses = waitFor(
    'otrace receive',
    async () => {
      const m = stderr.match(/OTLP\/gRPC on ([\d.]+:\d+), OTLP\/HTTP on ([\d.]+:\d+)/);
      return m ? { grpc: m[1], http: m[2] } : undefined;
    },
    { timeoutMs: 15_000, everyMs: 50 },
  );
  const finished = withTimeout(exited, 300_000, 'otrace receive').then((code) => {
    if (code !== 0) throw new Error(`otrace receive exited ${code}: ${stderr}`);
    const said = stderr.match(/received (\d+) trace export request\(s\), (\d+) spans/);
    const written = readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .reduce((n, line) => n + countSpans(JSON.parse(line)), 0);
    return {
      requests: Number(said?.[1]),
      received: Number(said?.[2]),
      written,
      peakRssMb: Number(stderr.match(/bench:maxRSS=(\d+)/)?.[1]) / 1024,
    };
  });
  return {
    addresses,
    finished,
    interrupt() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function countSpans(request) {
  let n = 0;
  for (const rs of request.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? []) n += (ss.spans ?? []).length;
  return n;
}
