import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PropagationDocumentSchema } from '../../../src/render/contracts/propagation.js';
import { json, startFakeBackend } from '../../helpers/fake-backend.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';

/**
 * check-propagation on the real-SDK scenarios: each gives exactly the expected findings and no
 * others (fixtures/propagation/README.md draws each one).
 */
const file = (path: string) => join(REPO_ROOT, 'fixtures', path);

async function check(path: string, ...flags: string[]) {
  const result = await runCli(['check-propagation', file(path), ...flags, '--format', 'json']);
  const doc = PropagationDocumentSchema.parse(JSON.parse(result.stdout));
  const brief = doc.findings.map((f) => `${f.kind}${'cause' in f ? ` ${String(f.cause)}` : ''}`);
  return { ...result, doc, brief };
}

describe('check-propagation on the propagation scenarios', () => {
  it('a callee with no propagator: one split trace, the callee at fault (exit 1)', async () => {
    const { code, doc, brief } = await check('seed/broken-propagation.otlp.json');
    expect(code).toBe(1);
    expect(brief).toEqual(['split-trace callee-did-not-extract']);
    const [split] = doc.findings;
    expect(split).toMatchObject({ severity: 'error', service: 'user-service', peerService: 'order-service' });
    expect(split!.relatedTraceId).not.toBe(split!.traceId);
    expect(doc.edges).toEqual([
      {
        caller: 'user-service',
        callee: 'order-service',
        calls: 1,
        continued: 0,
        linked: 0,
        splitTrace: 1,
        unanswered: 0,
        continuedShare: 0,
      },
    ]);
    expect(doc.summary).toContain('order-service continued 0 of 1 call from user-service.');
  });

  it('B3 on one side, W3C on the other: the same split, named the same way', async () => {
    const { code, brief } = await check('propagation/b3-vs-w3c.otlp.json');
    expect(code).toBe(1);
    expect(brief).toEqual(['split-trace callee-did-not-extract']);
  });

  it('a proxy that drops the headers: a split whose client named the proxy', async () => {
    const { code, doc, brief } = await check('propagation/proxy-drops-headers.otlp.json');
    expect(code).toBe(1);
    expect(brief).toEqual(['split-trace hop-dropped-context']);
    expect(doc.findings[0]!.message).toMatch(/dropped the trace context headers/);
  });

  it('a proxy that forwards them: a whole trace and one informational hidden hop (exit 0)', async () => {
    const { code, doc, brief } = await check('propagation/proxy-forwards-headers.otlp.json');
    expect(code).toBe(0);
    expect(brief).toEqual(['hidden-hop']);
    expect(doc.findings[0]!.severity).toBe('info');
    expect((await check('propagation/proxy-forwards-headers.otlp.json', '--fail-on', 'info')).code).toBe(1);
  });

  it('context lost in a callback queue: the new root inside the request is found', async () => {
    const { code, doc, brief } = await check('propagation/lost-in-callback.otlp.json');
    expect(code).toBe(1);
    expect(brief).toEqual(['context-lost']);
    expect(doc.findings[0]).toMatchObject({ service: 'user-service', operation: 'write_audit_log' });
  });

  it('a consumer linked to its producer, a database call, a healthy trace: nothing to flag', async () => {
    const linked = await check('propagation/linked-consumer.otlp.json');
    expect(linked.code).toBe(0);
    expect(linked.brief).toEqual([]);
    expect(linked.doc.edges[0]).toMatchObject({ calls: 2, continued: 1, linked: 1 });
    const healthy = await check('seed/healthy.otlp.json');
    expect(healthy.brief).toEqual([]);
    expect(healthy.doc.summary).toBe('No propagation problems in 1 trace.');
  });

  it('--service reports what involves that service, from every trace', async () => {
    const callee = await check('seed/broken-propagation.otlp.json', '--service', 'order-service');
    expect(callee.brief).toEqual(['split-trace callee-did-not-extract']);
    const other = await check('seed/broken-propagation.otlp.json', '--service', 'payment');
    expect(other.code).toBe(0);
    expect(other.doc).toMatchObject({ findings: [], edges: [], tracesAnalysed: 2 });
  });

  it('reads the same from the Jaeger JSON of a scenario', async () => {
    const { brief } = await check('propagation/proxy-drops-headers.jaeger.json');
    expect(brief).toEqual(['split-trace hop-dropped-context']);
  });

  it('prints the edge table and each finding with its explanation', async () => {
    const { code, stdout } = await runCli(['check-propagation', file('seed/broken-propagation.otlp.json')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^caller → callee\s+calls\s+continued\s+linked\s+split\s+unanswered$/m);
    expect(stdout).toMatch(/^user-service → order-service\s+1\s+0\s+0\s+1\s+0$/m);
    expect(stdout).toContain('✗ split-trace  trace ');
    expect(stdout).toContain('did not extract the trace context');
  });
});

describe('declaring external peers', () => {
  it('--external and .otrace.json keep calls to a peer out of the findings', async () => {
    const flagged = await check('propagation/proxy-drops-headers.otlp.json');
    const peer = String((flagged.doc.findings[0] as { peer?: string }).peer);
    const byFlag = await check('propagation/proxy-drops-headers.otlp.json', '--external', peer);
    expect(byFlag.brief).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'otrace-config-'));
    writeFileSync(join(dir, '.otrace.json'), JSON.stringify({ external: [peer] }));
    const result = await runCli(
      ['check-propagation', file('propagation/proxy-drops-headers.otlp.json'), '--format', 'json'],
      { cwd: dir },
    );
    expect(PropagationDocumentSchema.parse(JSON.parse(result.stdout)).findings).toEqual([]);
  });

  it('refuses a config file with a wrong shape or an unknown key, naming the path (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otrace-config-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ external: 'redis' }));
    const wrong = await runCli(['check-propagation', file('seed/healthy.otlp.json'), '--config', bad]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/bad\.json: external: .*expected array/i);
    writeFileSync(bad, JSON.stringify({ externals: ['redis'] }));
    const unknown = await runCli(['check-propagation', file('seed/healthy.otlp.json'), '--config', bad]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/bad\.json: .*externals/);
    const missing = await runCli([
      'check-propagation',
      file('seed/healthy.otlp.json'),
      '--config',
      join(dir, 'nope.json'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such config file');
  });
});

describe('check-propagation --jaeger', () => {
  it('searches every service Jaeger lists, so that both halves of a split trace are there', async () => {
    const doc = JSON.parse(readFileSync(file('seed/broken-propagation.otlp.json'), 'utf8')) as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[];
    };
    const serviceOf = (rs: (typeof doc.resourceSpans)[number]) =>
      rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
    const backend = await startFakeBackend((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (url.pathname === '/api/v3/services')
        json(res, 200, { services: ['order-service', 'user-service'] });
      else if (url.pathname === '/api/v3/traces') {
        const service = url.searchParams.get('query.service_name');
        json(res, 200, {
          result: { resourceSpans: doc.resourceSpans.filter((rs) => serviceOf(rs) === service) },
        });
      } else json(res, 404, '404 page not found\n', 'text/plain');
    });
    try {
      const result = await runCli([
        'check-propagation',
        '--jaeger',
        backend.url,
        '--service',
        'user-service',
        '--format',
        'json',
      ]);
      expect(result.code).toBe(1);
      const found = PropagationDocumentSchema.parse(JSON.parse(result.stdout)).findings;
      expect(found.map((f) => f.kind)).toEqual(['split-trace']);
      const searched = backend.requests.map((r) =>
        new URL(r.path, 'http://x').searchParams.get('query.service_name'),
      );
      expect(searched.filter((s) => s !== null).sort()).toEqual(['order-service', 'user-service']);
    } finally {
      await backend.close();
    }
  });
});
