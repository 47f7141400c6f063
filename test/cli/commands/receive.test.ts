import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopback } from '../../../src/cli/commands/receive.js';
import {
  nestedArrays,
  span as protoSpan,
  request,
  resourceSpans,
  scopeSpans,
  spanMessage,
} from '../../helpers/encode-otlp-protobuf.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';

/**
 * `otrace receive` as a real OpenTelemetry JS SDK sees it: the gRPC, HTTP/protobuf and HTTP/JSON
 * exporters send to it on 127.0.0.1; then clients that send garbage, the wrong type, too much, or
 * hang up mid-request. It must keep serving and lose nothing it acknowledged.
 */
interface Receiver {
  readonly child: ChildProcess;
  readonly grpc: string;
  readonly http: string;
  readonly out: string;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Every receiver a test started, killed after it should the test fail before it stopped. */
const started = new Set<ChildProcess>();
afterEach(() => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
});

/**
 * `otrace receive` on free ports of 127.0.0.1. Each test stops it by what it sent, never by a
 * clock: `--count N` for the N traces it sends (each one export request, so that no pause between
 * requests can split a trace), or SIGTERM once its exports are acknowledged. A slow machine can
 * only make it take longer; the test's timeout is the guard against a hang.
 */
async function startReceive(...flags: string[]): Promise<Receiver> {
  const out = join(mkdtempSync(join(tmpdir(), 'otrace-receive-')), 'traces.jsonl');
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/otrace.js'),
      'receive',
      '--grpc',
      '0',
      '--http',
      '0',
      '--out',
      out,
      '--idle',
      '200ms',
      ...flags,
    ],
    { env: { ...process.env, NO_COLOR: '1' } },
  );
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  const ports = new Promise<{ grpc: string; http: string }>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = stderr.match(/OTLP\/gRPC on ([\d.]+:\d+), OTLP\/HTTP on ([\d.]+:\d+)/);
      if (m) resolve({ grpc: m[1]!, http: m[2]! });
    });
    child.on('exit', () => reject(new Error(`receive exited early: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  const { grpc, http } = await ports;
  return { child, grpc, http, out, done };
}

async function exportSpans(exporter: SpanExporter, service: string, name: string): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('receive-test');
  const root = tracer.startSpan(name, {
    kind: SpanKind.SERVER,
    attributes: { 'http.response.status_code': 500 },
  });
  root.recordException(new Error('boom 42'));
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom 42' });
  root.end();
  await provider.shutdown();
}

function post(
  address: string,
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<number> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: Number(port), method: 'POST', path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('otrace receive', () => {
  it('takes spans from the real gRPC, HTTP/protobuf and HTTP/JSON exporters and writes them as JSON Lines', async () => {
    // Three single-span traces, one export request each: it stops once all three have completed.
    const r = await startReceive('--count', '3');
    await exportSpans(new GrpcExporter({ url: `http://${r.grpc}` }), 'grpc-service', 'via-grpc');
    await exportSpans(
      new ProtoExporter({ url: `http://${r.http}/v1/traces` }),
      'proto-service',
      'via-protobuf',
    );
    await exportSpans(new JsonExporter({ url: `http://${r.http}/v1/traces` }), 'json-service', 'via-json');
    const { code, stdout, stderr } = await r.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /received 3 trace export request\(s\), 3 spans, 3 trace\(s\), 3 failing; 3 line\(s\)/,
    );
    for (const name of ['via-grpc', 'via-protobuf', 'via-json'])
      expect(stdout).toMatch(new RegExp(`✗ [0-9a-f]{32}  ${name} \\(`));
    const lines = readFileSync(r.out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const shown = await runCli(['errors', r.out, '--format', 'json']);
    const doc = JSON.parse(shown.stdout) as {
      tracesAnalysed: number;
      groups: { service: string; errorType: string }[];
    };
    expect(doc.tracesAnalysed).toBe(3);
    expect(doc.groups.map((g) => g.service).sort()).toEqual([
      'grpc-service',
      'json-service',
      'proto-service',
    ]);
    expect(doc.groups.every((g) => g.errorType === 'Error')).toBe(true);
  });

  it('refuses bad clients with the Collector answers, keeps serving, and writes only what it accepted', async () => {
    // Nothing it refuses makes a trace: the one good export at the end is the one trace it waits for.
    const r = await startReceive('--count', '1', '--max-body', '20000');
    const json = { 'content-type': 'application/json' };
    expect(await post(r.http, '/v1/traces', 'not json', json)).toBe(400);
    expect(
      await post(r.http, '/v1/traces', Buffer.from([0x0a, 0xff, 0xff]), {
        'content-type': 'application/x-protobuf',
      }),
    ).toBe(400);
    expect(await post(r.http, '/v1/traces', '{}', { 'content-type': 'text/plain' })).toBe(415);
    expect(await post(r.http, '/v1/traces', 'x'.repeat(50_000), json)).toBe(413);
    expect(await post(r.http, '/v2/traces', '{}', json)).toBe(404);
    expect(await post(r.http, '/v1/metrics', '{"resourceMetrics":[]}', json)).toBe(200);
    // A client that hangs up halfway through its body.
    await new Promise<void>((resolve) => {
      const [host, port] = r.http.split(':');
      const socket = netConnect(Number(port), host!, () => {
        socket.write(
          'POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"resourceSpans"',
        );
        socket.destroy();
        resolve();
      });
    });
    // gRPC: an unknown method and a message that is not protobuf.
    const session = http2Connect(`http://${r.grpc}`);
    const grpcStatus = (path: string, body: Buffer) =>
      new Promise<string>((resolve) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
        });
        let status = '';
        stream.on('response', (headers) => {
          status = String(headers['grpc-status'] ?? status);
        });
        stream.on('trailers', (headers) => {
          status = String(headers['grpc-status'] ?? status);
        });
        stream.on('close', () => resolve(status));
        stream.resume();
        stream.end(body);
      });
    const framed = (message: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
    expect(await grpcStatus('/nope.Service/Export', framed(Buffer.alloc(0)))).toBe('12');
    expect(
      await grpcStatus(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        framed(Buffer.from([0x0a, 0x05, 0x01])),
      ),
    ).toBe('3');
    session.close();
    // Still serving: a good export after all that is taken.
    await exportSpans(new JsonExporter({ url: `http://${r.http}/v1/traces` }), 'after-abuse', 'still-here');
    const { code, stdout, stderr } = await r.done;
    expect(code).toBe(0);
    expect(stdout).toContain('still-here (after-abuse)');
    expect(stderr).toMatch(/1 metrics\/logs request\(s\) accepted and not kept/);
    expect(readFileSync(r.out, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('flushes and stops on SIGTERM, with every acknowledged request in the file', async () => {
    const r = await startReceive();
    const exporter = new JsonExporter({ url: `http://${r.http}/v1/traces` });
    await exportSpans(exporter, 'shop', 'checkout');
    r.child.kill('SIGTERM');
    const { code, stdout } = await r.done;
    expect(code).toBe(0);
    expect(stdout).toContain('checkout (shop)');
    expect(readFileSync(r.out, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('a request whose line cannot be written (a full disk) is refused with 503, never acknowledged', async () => {
    const r = await startReceive('--out', '/dev/full');
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'checkout',
                  kind: 2,
                  startTimeUnixNano: '1790000000000000000',
                  endTimeUnixNano: '1790000000100000000',
                },
              ],
            },
          ],
        },
      ],
    });
    expect(await post(r.http, '/v1/traces', body, { 'content-type': 'application/json' })).toBe(503);
    r.child.kill('SIGTERM');
    const { code, stderr } = await r.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(/503 \/dev\/full: cannot write the request \(ENOSPC\): nothing of it was kept/);
    expect(stderr).toMatch(/received 0 trace export request\(s\), 0 spans/);
  });

  it('an exporter that keeps its gRPC channel open holds neither SIGTERM nor --until-idle', async () => {
    for (const stop of ['SIGTERM', 'until-idle'] as const) {
      const r = await startReceive(...(stop === 'until-idle' ? ['--until-idle', '300ms'] : []));
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'shop' }),
        spanProcessors: [new SimpleSpanProcessor(new GrpcExporter({ url: `http://${r.grpc}` }))],
      });
      try {
        provider.getTracer('receive-test').startSpan('checkout', { kind: SpanKind.SERVER }).end();
        // Flushed, not shut down: the SDK's channel to the receiver stays open.
        await provider.forceFlush();
        if (stop === 'SIGTERM') r.child.kill('SIGTERM');
        // Before the fix the receiver waited for the client to hang up (13-31 s): the test's
        // timeout is the guard.
        const { code } = await r.done;
        expect(code, stop).toBe(0);
        expect(readFileSync(r.out, 'utf8').trim().split('\n'), stop).toHaveLength(1);
      } finally {
        await provider.shutdown().catch(() => {});
      }
    }
  });

  it('warns when it listens beyond this machine, and only then (tests bind loopback only)', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) expect(isLoopback(host), host).toBe(false);
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(isLoopback(host), host).toBe(true);
    const local = await startReceive('--until-idle', '200ms');
    expect((await local.done).stderr).not.toContain('warning');
  });

  it('refuses an attribute value nested 100,000 levels deep with 400, JSON or protobuf, and writes nothing', async () => {
    // Once accepted, then every show of the file overflowed its stack; under error.type the
    // receiver itself answered 500.
    const r = await startReceive();
    const depth = 100_000;
    const nested = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
    const jsonBody = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","attributes":[{"key":"error.type","value":${nested}}]}]}]}]}`;
    expect(await post(r.http, '/v1/traces', jsonBody, { 'content-type': 'application/json' })).toBe(400);
    const protoBody = request(
      resourceSpans(
        scopeSpans(
          spanMessage(
            protoSpan.traceId('5b8efff798038103d269b633813fc60c'),
            protoSpan.spanId('eee19b7ec3c1b174'),
            protoSpan.attribute('error.type', nestedArrays(depth)),
          ),
        ),
      ),
    );
    expect(await post(r.http, '/v1/traces', protoBody, { 'content-type': 'application/x-protobuf' })).toBe(
      400,
    );
    r.child.kill('SIGTERM');
    const { code, stderr } = await r.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /400 .*an attribute value nests arrays or key-value lists more than 64 levels deep/,
    );
    expect(stderr).toMatch(/0 line\(s\)/);
  });

  it('acknowledges a request of no spans (a 0-byte protobuf body) and writes no line for it, as the Collector', async () => {
    const r = await startReceive();
    expect(
      await post(r.http, '/v1/traces', Buffer.alloc(0), { 'content-type': 'application/x-protobuf' }),
    ).toBe(200);
    r.child.kill('SIGTERM');
    const { code, stderr } = await r.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /received 1 trace export request\(s\), 0 spans, 0 trace\(s\), 0 failing; 0 line\(s\)/,
    );
    expect(stderr).not.toMatch(/refused|warning/);
  });

  it('--max-inflight below --max-body is refused: a request of --max-body would never be taken', async () => {
    const result = await runCli(['receive', '--max-body', '2000', '--max-inflight', '1000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--max-inflight 1000 is less than --max-body 2000: a request of --max-body would never be taken',
    );
  });

  it('--until-idle stops a receiver that has heard nothing for that long', async () => {
    // Nothing is sent, so however slow the machine, the only way out is --until-idle.
    const r = await startReceive('--until-idle', '200ms');
    const { code, stdout, stderr } = await r.done;
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /received 0 trace export request\(s\), 0 spans, 0 trace\(s\), 0 failing; 0 line\(s\)/,
    );
  });

  it('--fail-on: exit 1 once stopped if a trace it showed had a propagation finding at that severity or worse', async () => {
    // fixtures/propagation (README): a proxy strips traceparent, so user-service's call (trace A)
    // and order-service's request (trace B) are two traces: a split trace, an error. Both in one
    // request, so that they complete together and the finding is shown with each.
    const [caller, callee] = readFileSync(
      join(REPO_ROOT, 'fixtures/propagation/proxy-drops-headers.otlp.jsonl'),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { resourceSpans: unknown[] });
    const split = JSON.stringify({ resourceSpans: [...caller!.resourceSpans, ...callee!.resourceSpans] });
    const json = { 'content-type': 'application/json' };
    for (const [flags, code, summary] of [
      [['--fail-on', 'error'], 1, '; 2 trace(s) with propagation findings at --fail-on error or worse'],
      // Without it, receive exits 0 whatever it saw, as before.
      [[], 0, ''],
    ] as const) {
      const r = await startReceive('--count', '2', ...flags);
      expect(await post(r.http, '/v1/traces', split, json)).toBe(200);
      const done = await r.done;
      expect(done.code, flags.join(' ')).toBe(code);
      expect(done.stdout.match(/✗ split-trace: /g), flags.join(' ')).toHaveLength(2);
      expect(done.stderr).toContain(`2 trace(s), 0 failing${summary}; 1 line(s)`);
    }
    // A failing trace is not a propagation finding: `otrace errors` on --out gates failures.
    const r = await startReceive('--count', '1', '--fail-on', 'info');
    await exportSpans(new JsonExporter({ url: `http://${r.http}/v1/traces` }), 'shop', 'boom');
    const { code, stderr } = await r.done;
    expect(code).toBe(0);
    expect(stderr).toContain(
      '1 trace(s), 1 failing; 0 trace(s) with propagation findings at --fail-on info or worse',
    );
    // The vocabulary is check-propagation's.
    const wrong = await runCli(['receive', '--fail-on', 'warning']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--fail-on.*'warning' is invalid.*error, warn, info/);
  });

  it('--count stops after that many traces; --format ndjson gives one JSON object per trace', async () => {
    const r = await startReceive('--count', '1', '--format', 'ndjson');
    await exportSpans(new JsonExporter({ url: `http://${r.http}/v1/traces` }), 'shop', 'one');
    const { code, stdout } = await r.done;
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      rootService: 'shop',
      rootName: 'one',
      spanCount: 1,
      errorCount: 1,
      diagnosis: { kind: 'failed' },
      findings: [],
    });
  });
});
