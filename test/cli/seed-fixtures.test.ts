import { describe, expect, it } from 'vitest';
import { ShowDocumentSchema } from '../../src/render/contracts/show.js';
import { runCli } from '../helpers/run-cli.js';

/** Our own fixtures from the real OpenTelemetry JS SDK (fixtures/seed/README.md draws each one). */
const seed = (name: string) => `fixtures/seed/${name}`;

async function showJson(file: string) {
  const result = await runCli(['show', '-f', file, '--format', 'json']);
  return { ...result, doc: ShowDocumentSchema.parse(JSON.parse(result.stdout)) };
}

const marked = (doc: { spans: { name: string; service: string; markers: string[] }[] }, marker: string) =>
  doc.spans.filter((s) => s.markers.includes(marker)).map((s) => `${s.name} (${s.service})`);

describe('show on the seed scenarios', () => {
  it.each(['otlp.json', 'otlp.jsonl', 'jaeger.json'])(
    'order-service-slow.%s: the timeout and the slow span behind it',
    async (ext) => {
      const { code, doc } = await showJson(seed(`order-service-slow.${ext}`));
      expect(code).toBe(1);
      expect(doc.diagnosis.kind).toBe('timed-out');
      expect(marked(doc, 'error-origin')).toEqual(['GET (user-service)']);
      expect(marked(doc, 'slow-behind-timeout')).toEqual(['query_orders (order-service)']);
      const orders = doc.spans.find((s) => s.name === 'get_user_orders')!;
      expect(orders.markers).toContain('timeout');
      expect(orders.exceptions[0]).toMatchObject({
        type: 'TimeoutError',
        message: 'order-service did not answer within 5000 ms',
      });
      expect(doc.diagnosis.text).toContain('user-service → order-service timed out: TimeoutError');
    },
  );

  it('order-service-down: ECONNREFUSED under the spans that recorded it, origin at the CLIENT span', async () => {
    const { code, doc } = await showJson(seed('order-service-down.otlp.jsonl'));
    expect(code).toBe(1);
    expect(doc.diagnosis.kind).toBe('failed');
    expect(marked(doc, 'error-origin')).toEqual(['GET (user-service)']);
    const client = doc.spans.find((s) => s.kind === 'client')!;
    expect(client.exceptions.map((e) => e.type)).toEqual(['ECONNREFUSED']);
    expect(new Set(doc.spans.map((s) => s.service))).toEqual(new Set(['user-service']));
  });

  it('retry-recovers: the failed attempt is recovered and the trace is clean (exit 0)', async () => {
    const { code, doc } = await showJson(seed('retry-recovers.otlp.json'));
    expect(code).toBe(0);
    expect(doc.diagnosis).toMatchObject({ kind: 'ok', recoveredErrors: 1 });
    expect(marked(doc, 'recovered')).toEqual(['GET (user-service)', 'GET (order-service)']);
    expect(doc.findings.map((f) => f.kind)).toEqual(['recovered-error']);
  });

  it('db-error-fanout: the database span is the origin, the healthy branch stays healthy', async () => {
    const { code, doc } = await showJson(seed('db-error-fanout.jaeger.json'));
    expect(code).toBe(1);
    expect(marked(doc, 'error-origin')).toEqual(['query_recommendations (order-service)']);
    expect(doc.spans.find((s) => s.name === 'query_orders')!.markers).not.toContain('error');
    expect(doc.spans.find((s) => s.name === 'query_recommendations')!.exceptions[0]).toMatchObject({
      type: '42P01',
      message: 'relation "recommendations" does not exist',
    });
  });

  it('healthy: exit 0, no findings, every span present', async () => {
    const { code, doc } = await showJson(seed('healthy.otlp.jsonl'));
    expect(code).toBe(0);
    expect(doc.findings).toEqual([]);
    expect(doc.spans.map((s) => s.name)).toEqual([
      'GET',
      'get_user_profile',
      'get_user_data',
      'get_user_orders',
      'GET',
      'GET',
      'query_orders',
    ]);
  });

  it('broken-propagation: two traces; list shows both roots', async () => {
    const { code, stdout } = await runCli([
      'list',
      '-f',
      seed('broken-propagation.otlp.jsonl'),
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const roots = (JSON.parse(stdout) as { traces: { rootService: string; rootName: string }[] }).traces.map(
      (t) => `${t.rootName} (${t.rootService})`,
    );
    expect(roots).toEqual(['GET (user-service)', 'GET (order-service)']);
  });

  it('the text tree of the slow scenario reads as the brief asks', async () => {
    const { stdout } = await runCli(['show', '-f', seed('order-service-slow.otlp.json')]);
    expect(stdout).toMatch(/└─ get_user_orders \(user-service\) 5\.0s\* {2}✗ TIMEOUT/);
    expect(stdout).toMatch(/TimeoutError: order-service did not answer within 5000 ms/);
    expect(stdout).toMatch(/query_orders \(order-service\) → 127\.0\.0\.1:5432 6\.0s\* {2}◀ SLOW/);
  });
});
