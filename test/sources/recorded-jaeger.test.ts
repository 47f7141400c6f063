import { describe, expect, it } from 'vitest';
import { ListDocumentSchema } from '../../src/render/contracts/list.js';
import { PropagationDocumentSchema } from '../../src/render/contracts/propagation.js';
import { ShowDocumentSchema } from '../../src/render/contracts/show.js';
import { json, useFakeBackend } from '../helpers/fake-backend.js';
import { RECORDED, recorded, recordedJaeger, sendRecorded } from '../helpers/recorded-jaeger.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * Every path `--jaeger` takes, against a server on 127.0.0.1 that serves what the real Jaeger v2
 * answered (fixtures/jaeger-v2/, recorded from Jaeger and HotROD by `npm run real-world:record`):
 * these run where Go is not, and the real-world suite (test/real-world/) runs the same paths
 * against the real Jaeger.
 */
const serve = useFakeBackend();
const { hotrodDispatch, hotrodUnknownCustomer, seed } = RECORDED.traces;
const show = (id: string, url: string, ...more: string[]) =>
  runCli(['show', id, '--jaeger', url, '--format', 'json', ...more]);
const paths = (server: { requests: { path: string }[] }) => server.requests.map((r) => r.path.split('?')[0]);

describe('show --jaeger, on answers recorded from the real Jaeger', () => {
  it("a HotROD dispatch through api_v3: the Redis timeouts the driver retries are recovered, and it's healthy", async () => {
    const server = await serve(recordedJaeger());
    const { code, stdout, stderr } = await show(hotrodDispatch, server.url);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = ShowDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.services.sort()).toEqual(['customer', 'driver', 'frontend', 'mysql', 'redis-manual', 'route']);
    expect([39, 40]).toContain(doc.spanCount);
    expect(doc.diagnosis.kind).toBe('ok');
    const failed = doc.spans.filter((s) => s.markers.includes('error'));
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const span of failed) {
      expect(span).toMatchObject({ name: 'GetDriver', service: 'redis-manual' });
      expect(span.markers).toEqual(expect.arrayContaining(['timeout', 'recovered']));
      expect(span.exceptions).toMatchObject([{ type: '*errors.errorString', message: 'redis timeout' }]);
    }
    expect(doc.findings.filter((f) => f.kind === 'backend-warning')).toEqual([]);
    expect(paths(server)).toEqual([`/api/v3/traces/${hotrodDispatch}`]);
  });

  it('the text names the timeout by its message, not the Go error type', async () => {
    const server = await serve(recordedJaeger());
    const { code, stdout } = await runCli(['show', hotrodDispatch, '--jaeger', server.url]);
    expect(code).toBe(0);
    expect(stdout).toContain('GetDriver (redis-manual)');
    expect(stdout).toContain('✗ TIMEOUT (redis timeout) recovered');
    expect(stdout).toContain('No unrecovered errors');
  });

  it('the v1 answer of the same trace, where api_v3 is hidden, gives the same spans and verdicts', async () => {
    const v3 = await serve(recordedJaeger());
    const fromV3 = ShowDocumentSchema.parse(JSON.parse((await show(hotrodDispatch, v3.url)).stdout));
    await v3.close();
    const v1 = await serve(recordedJaeger({ v3: 'plain-404' }));
    const { code, stdout } = await show(hotrodDispatch, v1.url);
    expect(code).toBe(0);
    const fromV1 = ShowDocumentSchema.parse(JSON.parse(stdout));
    expect(paths(v1)).toEqual([`/api/v3/traces/${hotrodDispatch}`, `/api/traces/${hotrodDispatch}`]);
    const verdicts = (doc: typeof fromV1) =>
      doc.spans.map((s) => [s.spanId, s.parentSpanId, s.service, s.name, s.kind, s.status.code, s.markers]);
    expect(verdicts(fromV1)).toEqual(verdicts(fromV3));
    expect(fromV1.diagnosis).toEqual(fromV3.diagnosis);
  });

  it('a Jaeger whose UI answers /api/v3/ (one before api_v3 over HTTP) is asked through v1', async () => {
    const server = await serve(recordedJaeger({ v3: 'ui-page' }));
    const { code, stdout } = await show(hotrodDispatch, server.url);
    expect(code).toBe(0);
    expect(ShowDocumentSchema.parse(JSON.parse(stdout)).spanCount).toBeGreaterThanOrEqual(39);
    expect(paths(server)).toEqual([`/api/v3/traces/${hotrodDispatch}`, `/api/traces/${hotrodDispatch}`]);
  });

  it("HotROD's unknown customer: the failure starts in customer's /customer, the frontend's are propagated", async () => {
    const server = await serve(recordedJaeger());
    const { code, stdout } = await show(hotrodUnknownCustomer, server.url);
    expect(code).toBe(1);
    const doc = ShowDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.spanCount).toBe(4);
    expect(doc.diagnosis).toMatchObject({
      kind: 'failed',
      from: 'frontend',
      to: 'customer',
      origin: { name: '/customer', service: 'customer' },
    });
    const byName = Object.fromEntries(doc.spans.map((s) => [`${s.service} ${s.name}`, s.markers]));
    expect(byName['customer /customer']).toContain('error-origin');
    expect(byName['frontend /dispatch']).toContain('propagated');
    expect(byName['mysql SQL SELECT']).not.toContain('error');
  });

  it('a trace Jaeger does not have: its own 404, one line, exit 3, through v3 and through v1', async () => {
    const missing = '00000000000000000000000000abc123';
    const v3 = await serve(recordedJaeger());
    const fromV3 = await runCli(['show', missing, '--jaeger', v3.url]);
    expect(fromV3.code).toBe(3);
    expect(fromV3.stderr).toBe(
      `otrace: trace ${missing} not found: Jaeger api/v3 answered 404 (${v3.url}/api/v3/traces/${missing}) — check the id, or pass --wait 30s if the spans may still be on their way\n`,
    );
    await v3.close();
    const v1 = await serve(recordedJaeger({ v3: 'plain-404' }));
    const fromV1 = await runCli(['show', missing, '--jaeger', v1.url]);
    expect(fromV1.code).toBe(3);
    expect(fromV1.stderr).toContain(
      `not found: Jaeger api/traces (v1) answered 404 (${v1.url}/api/traces/${missing})`,
    );
  });

  it('a wrong base path: the UI page for both APIs is named as such (exit 3)', async () => {
    const server = await serve((_req, res) => sendRecorded(res, recorded('trace-summaries')));
    const { code, stderr } = await runCli(['show', hotrodDispatch, '--jaeger', `${server.url}/jaeger`]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `otrace: ${server.url}/jaeger/api/traces/${hotrodDispatch}: answered 200 with an HTML page, not JSON — is this the UI's address or a proxy login page? --jaeger (or OTRACE_JAEGER_URL) takes the base URL of jaeger-query, which listens on port 16686 by default\n`,
    );
  });

  it('a recorded answer cut short by a proxy: one line, exit 3', async () => {
    const whole = recorded('hotrod-dispatch.v3');
    const server = await serve((_req, res) =>
      sendRecorded(res, { ...whole, body: whole.body.slice(0, Math.floor(whole.body.length / 2)) }),
    );
    const { code, stderr } = await runCli(['show', hotrodDispatch, '--jaeger', server.url]);
    expect(code).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('a body that is not valid JSON');
  });
});

describe('searches, on answers recorded from the real Jaeger', () => {
  const seedIds = (names: string[]) => names.flatMap((n) => seed[n] ?? []);

  it('list: trace-summaries are not there (the UI page answers), so api_v3 search is used', async () => {
    const server = await serve(recordedJaeger());
    const { code, stdout } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'user-service',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const listed = ListDocumentSchema.parse(JSON.parse(stdout)).traces.map((t) => t.traceId);
    expect(paths(server)).toEqual(['/api/v3/trace-summaries', '/api/v3/traces']);
    // Every seed trace with a user-service span: all but the halves order-service started alone.
    expect(listed).toEqual(
      expect.arrayContaining(seedIds(['healthy', 'order-service-slow', 'retry-recovers'])),
    );
    expect(listed.length).toBeGreaterThanOrEqual(Object.keys(seed).length);
  });

  it('list through v1 where api_v3 is hidden gives the same traces', async () => {
    const v3 = await serve(recordedJaeger());
    const args = ['list', '--service', 'user-service', '--format', 'json'];
    const fromV3 = ListDocumentSchema.parse(JSON.parse((await runCli([...args, '--jaeger', v3.url])).stdout));
    await v3.close();
    const v1 = await serve(recordedJaeger({ v3: 'plain-404' }));
    const { code, stdout } = await runCli([...args, '--jaeger', v1.url]);
    expect(code).toBe(0);
    // A plain 404 for trace-summaries says nothing of api_v3; the search's own 404 does.
    expect(paths(v1)).toEqual(['/api/v3/trace-summaries', '/api/v3/traces', '/api/traces']);
    const ids = (doc: typeof fromV3) => doc.traces.map((t) => t.traceId).sort();
    expect(ids(ListDocumentSchema.parse(JSON.parse(stdout)))).toEqual(ids(fromV3));
  });

  it("a search for a service with nothing in the window: Jaeger's 404 is an empty list (exit 0)", async () => {
    const server = await serve(recordedJaeger());
    const { code, stdout } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'route',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(ListDocumentSchema.parse(JSON.parse(stdout)).traces).toEqual([]);
  });

  it('--limit above what Jaeger keeps: its 500 explained in one line (exit 3)', async () => {
    const server = await serve(recordedJaeger());
    const { code, stderr } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'user-service',
      '--limit',
      '1000000',
    ]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `otrace: ${server.url}/api/v3/traces: Jaeger api/v3 refused a search of 1000000 traces: "search depth must be greater than 0 and less than max traces" — lower --limit: Jaeger's memory storage searches at most the max_traces it keeps\n`,
    );
  });

  it('without --service: the services the recorded Jaeger lists, in the usage error (exit 2)', async () => {
    const server = await serve(recordedJaeger());
    const { code, stderr } = await runCli(['errors', '--jaeger', server.url]);
    expect(code).toBe(2);
    for (const service of ['user-service', 'order-service', 'frontend', 'redis-manual'])
      expect(stderr).toContain(service);
  });

  it('check-propagation over every service finds the seed breaks Jaeger holds, and no HotROD alarm', async () => {
    const server = await serve(recordedJaeger());
    const { code, stdout } = await runCli(['check-propagation', '--jaeger', server.url, '--format', 'json']);
    expect(code).toBe(1);
    const doc = PropagationDocumentSchema.parse(JSON.parse(stdout));
    const splits = doc.findings
      .filter((f) => f.kind === 'split-trace')
      .map((f) => [f.traceId, f.relatedTraceId]);
    for (const name of ['broken-propagation', 'proxy-drops-headers', 'b3-vs-w3c'])
      expect(splits).toContainEqual(expect.arrayContaining(seed[name]!.slice()));
    expect(doc.findings.map((f) => f.kind)).toContain('context-lost');
    expect(doc.findings.every((f) => ['user-service', 'order-service'].includes(f.service))).toBe(true);
  });

  it('the 400 Jaeger gives a search without a time window is passed on in one line', async () => {
    const server = await serve((_req, res) => sendRecorded(res, recorded('search-no-window.v3')));
    const { code, stderr } = await runCli(['list', '--jaeger', server.url, '--service', 'user-service']);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `otrace: ${server.url}/api/v3/trace-summaries?${new URL(server.requests[0]!.path, server.url).searchParams}: Jaeger api/v3 rejected the request (400): "query.start_time_min and query.start_time_max are required"\n`,
    );
  });
});

// Keep json() in use for a fault the recorder cannot make: an empty body with a JSON type.
describe('a Jaeger that answers nothing useful', () => {
  it('an empty 200 body is not JSON: one line, exit 3', async () => {
    const server = await serve((_req, res) => json(res, 200, ''));
    const { code, stderr } = await runCli(['show', hotrodDispatch, '--jaeger', server.url]);
    expect(code).toBe(3);
    expect(stderr).toContain('a body that is not valid JSON (0 bytes)');
  });
});
