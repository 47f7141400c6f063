import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { post, startProxy } from '../../scripts/real-world/jaeger.mjs';
import { type ScenarioRun, sendSeedScenarios } from '../../scripts/real-world/world.mjs';
import { CompareDocumentSchema } from '../../src/render/contracts/compare.js';
import { DiffDocumentSchema } from '../../src/render/contracts/diff.js';
import { ErrorsDocumentSchema } from '../../src/render/contracts/errors.js';
import { ListDocumentSchema } from '../../src/render/contracts/list.js';
import { PerfDocumentSchema } from '../../src/render/contracts/perf.js';
import { PropagationDocumentSchema } from '../../src/render/contracts/propagation.js';
import { ShowDocumentSchema } from '../../src/render/contracts/show.js';
import { REAL_WORLD, useRealJaeger } from '../helpers/real-world.js';
import { runCli } from '../helpers/run-cli.js';
import { SEED_SCENARIOS } from '../helpers/seed.js';

/**
 * Every path `--jaeger` takes, against the real Jaeger v2 built from source, holding what our seed
 * services (the OpenTelemetry JS SDK) exported to it over OTLP/HTTP: the same diagnoses as from
 * the files the same services wrote, and each search flag as Jaeger applies it.
 */
// The propagation scenarios too: their halves are what check-propagation pairs across traces.
const ALL = [
  ...SEED_SCENARIOS,
  'proxy-drops-headers',
  'proxy-forwards-headers',
  'lost-in-callback',
  'b3-vs-w3c',
  'linked-consumer',
  // And why requests are slow (fixtures/perf/).
  'n-plus-one',
  'sequential-calls',
];
const PERF_SCENARIOS: readonly string[] = ['n-plus-one', 'sequential-calls'];
const fileOf = (name: string) =>
  `fixtures/${(SEED_SCENARIOS as readonly string[]).includes(name) ? 'seed' : PERF_SCENARIOS.includes(name) ? 'perf' : 'propagation'}/${name}.otlp.json`;

let runs: ScenarioRun[] = [];
const jaeger = useRealJaeger(async (j) => {
  runs = await sendSeedScenarios(j, ALL);
});
const runOf = (name: string) => runs.find((r) => r.name === name)!;
const iso = (ms: number) => new Date(ms).toISOString();
/** The search window of everything sent, or of one scenario's run. */
const windowOf = (from: ScenarioRun[] = runs) => [
  '--start',
  iso(Math.min(...from.map((r) => r.startMs)) - 50),
  '--end',
  iso(Math.max(...from.map((r) => r.endMs)) + 50),
];

const proxies: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.close();
});
async function proxy(hideV3?: 'plain-404' | 'ui-page') {
  const started = await startProxy(jaeger().queryUrl, { hideV3 });
  proxies.push(started);
  return started;
}
const pathsOf = (requests: readonly string[]) => requests.map((r) => r.split('?')[0]);

/**
 * A proxy on 127.0.0.1 in front of `targetUrl` that awaits `before(path)` for each request, then
 * passes it through; closed after the test.
 */
async function gate(targetUrl: string, before: (path: string) => Promise<void>) {
  const target = new URL(targetUrl);
  const server = createServer((req, res) => {
    before(req.url ?? '').then(
      () => {
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.writeHead(502).end());
        req.pipe(upstream);
      },
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const started = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  proxies.push(started);
  return started;
}

/** Ports differ from run to run: the services listen on free ones. */
const portless = (text: string) => text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');

async function json(args: string[]) {
  const result = await runCli(args);
  if (result.stdout === '') throw new Error(`otrace ${args.join(' ')}: ${result.code} ${result.stderr}`);
  return { code: result.code, stderr: result.stderr, doc: JSON.parse(portless(result.stdout)) as unknown };
}

async function listIds(args: string[]): Promise<string[]> {
  const { doc } = await json(['list', ...args, '--format', 'json']);
  return ListDocumentSchema.parse(doc).traces.map((t) => t.traceId);
}

/** What a diagnosis says, without what differs from run to run (ids, times, ports). */
function verdicts(raw: unknown) {
  const doc = ShowDocumentSchema.parse(raw);
  const d = doc.diagnosis as Record<string, unknown> & { kind: string };
  const named = (s: unknown) =>
    s ? `${(s as { service: string }).service} › ${(s as { name: string }).name}` : null;
  return {
    root: doc.spans[0] && `${doc.spans[0].service} › ${doc.spans[0].name}`,
    spanCount: doc.spanCount,
    errorCount: doc.errorCount,
    services: [...doc.services].sort(),
    diagnosis: {
      kind: d.kind,
      from: d.from ?? null,
      to: d.to ?? null,
      origin: named(d.origin),
      slowSpan: named(d.slowSpan),
      // The stack trace names where the services' files were when they ran.
      exception: d.exception ? { ...(d.exception as object), stacktrace: undefined } : null,
      timeout: d.timeout ?? null,
    },
    spans: doc.spans
      .map(
        (s) =>
          `${s.service} › ${s.name} ${s.kind} ${s.status.code} [${s.markers.filter((m) => m !== 'critical-path').sort()}]`,
      )
      .sort(),
    findings: doc.findings.map((f) => f.kind).sort(),
  };
}

describe.skipIf(!REAL_WORLD.ready)('the real Jaeger v2', () => {
  describe('our seed services exporting to Jaeger: the diagnoses the files give', () => {
    it.each(SEED_SCENARIOS)('%s', async (name) => {
      const run = runOf(name);
      const inJaeger = [
        ...new Set([
          ...(await listIds([
            '--jaeger',
            jaeger().queryUrl,
            '--service',
            'user-service',
            ...windowOf([run]),
          ])),
          ...(await listIds([
            '--jaeger',
            jaeger().queryUrl,
            '--service',
            'order-service',
            ...windowOf([run]),
          ])),
        ]),
      ];
      const inFile = await listIds([fileOf(name)]);
      expect(inJaeger).toHaveLength(inFile.length);
      const fromJaeger = await Promise.all(
        inJaeger.map(async (id) =>
          verdicts((await json(['show', id, '--jaeger', jaeger().queryUrl, '--format', 'json'])).doc),
        ),
      );
      const fromFile = await Promise.all(
        inFile.map(async (id) =>
          verdicts((await json(['show', id, '-f', fileOf(name), '--format', 'json'])).doc),
        ),
      );
      const byRoot = (list: ReturnType<typeof verdicts>[]) =>
        [...list].sort((a, b) => (a.root! < b.root! ? -1 : 1));
      expect(byRoot(fromJaeger)).toEqual(byRoot(fromFile));
    });

    it('errors over the window groups the failures as the files do', async () => {
      const fromJaeger = await json([
        'errors',
        '--jaeger',
        jaeger().queryUrl,
        '--service',
        'user-service',
        ...windowOf(),
        '--format',
        'json',
      ]);
      const fromFiles = await json([
        'errors',
        ...ALL.map(fileOf),
        '--service',
        'user-service',
        '--format',
        'json',
      ]);
      const groups = (raw: unknown) =>
        ErrorsDocumentSchema.parse(raw)
          .groups.map(
            (g) => `${g.service} › ${g.operation} ${g.errorType} ${g.class} ×${g.count} ${g.message}`,
          )
          .sort();
      expect(fromJaeger.code).toBe(fromFiles.code);
      expect(groups(fromJaeger.doc)).toEqual(groups(fromFiles.doc));
      expect(groups(fromJaeger.doc).length).toBeGreaterThan(3);
    });

    it('check-propagation over every service finds what the files hold, and the same edges', async () => {
      const fromJaeger = await json([
        'check-propagation',
        '--jaeger',
        jaeger().queryUrl,
        ...windowOf(),
        '--format',
        'json',
      ]);
      const fromFiles = await json(['check-propagation', ...ALL.map(fileOf), '--format', 'json']);
      const shape = (raw: unknown) => {
        const doc = PropagationDocumentSchema.parse(raw);
        return {
          findings: doc.findings
            .map((f) => `${f.kind} ${f.service} › ${f.operation} ${'cause' in f ? f.cause : ''}`)
            .sort(),
          edges: doc.edges,
          traces: doc.tracesAnalysed,
        };
      };
      expect(shape(fromJaeger.doc)).toEqual(shape(fromFiles.doc));
      expect(shape(fromJaeger.doc).findings.join('\n')).toMatch(
        /split-trace[\s\S]*context-lost|context-lost[\s\S]*split-trace/,
      );
    });
    it('perf over the window finds the loop and the sequential queries the files hold', async () => {
      const fromJaeger = await json([
        'perf',
        '--jaeger',
        jaeger().queryUrl,
        ...windowOf(),
        '--format',
        'json',
      ]);
      const fromFiles = await json(['perf', ...ALL.map(fileOf), '--format', 'json']);
      const groups = (raw: unknown) =>
        PerfDocumentSchema.parse(raw)
          .groups.map((g) => `${g.kind} ${g.service} › ${g.operation} ×${g.count} ${g.shape}`)
          .sort();
      expect(fromJaeger.code).toBe(0);
      expect(groups(fromJaeger.doc)).toEqual(groups(fromFiles.doc));
      expect(groups(fromFiles.doc)).toEqual([
        'n-plus-one order-service › GET ×1 SELECT sku, qty FROM order_items WHERE order_id = ?',
        expect.stringMatching(/^sequential-calls order-service › GET ×1 SELECT id, total FROM orders/),
      ]);
    });
  });

  describe('diff and compare --jaeger: what the files give', () => {
    const idOf = async (name: string) => {
      const ids = await listIds([
        '--jaeger',
        jaeger().queryUrl,
        '--service',
        'user-service',
        ...windowOf([runOf(name)]),
      ]);
      expect(ids).toHaveLength(1);
      return ids[0]!;
    };
    it('diff of two traces fetched by id: the slow query behind the timeout, as between the files', async () => {
      const [healthy, slow] = [await idOf('healthy'), await idOf('order-service-slow')];
      const fromJaeger = await json([
        'diff',
        healthy,
        slow,
        '--jaeger',
        jaeger().queryUrl,
        '--format',
        'json',
      ]);
      const fromFiles = await json([
        'diff',
        fileOf('healthy'),
        fileOf('order-service-slow'),
        '--format',
        'json',
      ]);
      const shape = (raw: unknown) => {
        const doc = DiffDocumentSchema.parse(raw);
        return {
          verdict: doc.summary.verdict,
          newErrors: doc.counts.newErrors,
          slowest: doc.criticalPath.map((p) => `${p.service} › ${p.operation}`)[0],
          places: doc.places.map((p) => `${p.state} ${p.service} › ${p.operation}`),
        };
      };
      expect(fromJaeger.code).toBe(0);
      expect(shape(fromJaeger.doc)).toEqual(shape(fromFiles.doc));
      expect(shape(fromFiles.doc)).toMatchObject({
        verdict: 'slower',
        slowest: 'order-service › query_orders',
      });
    });
    it('compare --baseline: the services run again into Jaeger against their files compare clean', async () => {
      const result = await json([
        'compare',
        ...ALL.flatMap((name) => ['--baseline', fileOf(name)]),
        '--jaeger',
        jaeger().queryUrl,
        ...windowOf(),
        '--fail-on',
        'regression',
        '--format',
        'json',
      ]);
      const doc = CompareDocumentSchema.parse(result.doc);
      if (doc.mode !== 'baseline') throw new Error(`compare answered mode ${doc.mode}`);
      expect(result.code).toBe(0);
      expect(doc.summary.regressions).toBe(0);
      expect(doc.candidate.traces).toBe(doc.baseline.traces);
      expect(doc.rows.length).toBeGreaterThan(0);
    });
    it('compare --where error over the window splits the traces as over the files', async () => {
      const split = async (args: string[]) => {
        const doc = CompareDocumentSchema.parse(
          (await json(['compare', '--where', 'error', ...args, '--format', 'json'])).doc,
        );
        if (doc.mode !== 'where') throw new Error(`compare answered mode ${doc.mode}`);
        return { selection: doc.selection.traces, rest: doc.rest.traces };
      };
      const fromJaeger = await split(['--jaeger', jaeger().queryUrl, ...windowOf()]);
      expect(fromJaeger).toEqual(await split(ALL.map(fileOf)));
      expect(fromJaeger.selection).toBeGreaterThan(0);
    });
  });

  describe('show <id> --jaeger', () => {
    const slowId = async () =>
      (
        await listIds([
          '--jaeger',
          jaeger().queryUrl,
          '--service',
          'user-service',
          '--min-duration',
          '5s',
          ...windowOf(),
        ])
      )[0]!;

    it('through api_v3: one request', async () => {
      const id = await slowId();
      const via = await proxy();
      const { code, doc } = await json(['show', id, '--jaeger', via.url, '--format', 'json']);
      expect(code).toBe(1);
      expect(verdicts(doc).diagnosis).toMatchObject({
        kind: 'timed-out',
        slowSpan: 'order-service › query_orders',
      });
      expect(pathsOf(via.requests)).toEqual([`/api/v3/traces/${id}`]);
    });

    it('through v1 when api_v3 answers a plain 404: the same verdicts', async () => {
      const id = await slowId();
      const v3 = await json(['show', id, '--jaeger', jaeger().queryUrl, '--format', 'json']);
      const via = await proxy('plain-404');
      const v1 = await json(['show', id.toUpperCase(), '--jaeger', via.url, '--format', 'json']);
      expect(pathsOf(via.requests)).toEqual([`/api/v3/traces/${id}`, `/api/traces/${id}`]);
      expect(verdicts(v1.doc)).toEqual(verdicts(v3.doc));
    });

    it("through v1 when Jaeger's UI page answers api_v3 (a Jaeger before api_v3 over HTTP)", async () => {
      const id = await slowId();
      const via = await proxy('ui-page');
      const { code, doc } = await json(['show', id, '--jaeger', via.url, '--format', 'json']);
      expect(code).toBe(1);
      expect(pathsOf(via.requests)).toEqual([`/api/v3/traces/${id}`, `/api/traces/${id}`]);
      expect(verdicts(doc).diagnosis.kind).toBe('timed-out');
    });

    it('a trace id Jaeger does not have: exit 3 naming the API that said so, v3 and v1', async () => {
      const missing = randomBytes(16).toString('hex');
      const v3 = await runCli(['show', missing, '--jaeger', jaeger().queryUrl]);
      expect(v3.code).toBe(3);
      expect(v3.stderr).toContain(`trace ${missing} not found: Jaeger api/v3 answered 404`);
      const via = await proxy('plain-404');
      const v1 = await runCli(['show', missing, '--jaeger', via.url]);
      expect(v1.code).toBe(3);
      expect(v1.stderr).toContain(`trace ${missing} not found: Jaeger api/traces (v1) answered 404`);
    });

    it('--wait: a trace whose spans are still arriving is shown whole', async () => {
      // The slow scenario's export requests, under a new trace id, sent while otrace waits: each
      // poll of otrace's but the first is let through to Jaeger only once one more request has been
      // stored (Jaeger stores a span before it answers its export). So every poll sees more spans
      // than the one before until all are sent, however slow the machine, and one more sees the
      // same count: the trace is whole. --wait only bounds a hang, within the test's timeout.
      const id = randomBytes(16).toString('hex');
      const lines = readFileSync('fixtures/seed/order-service-slow.otlp.jsonl', 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.replaceAll('8ef5f11da6111ac0ede2738ab9c67be4', id));
      const total = lines.reduce((n, line) => n + (line.match(/"spanId"/g) ?? []).length, 0);
      let polls = 0;
      const exported: number[] = [];
      const via = await gate(jaeger().queryUrl, async (path) => {
        if (!/^\/api\/(v3\/)?traces\//.test(path) || !path.includes(id)) return;
        const line = lines[polls++ - 1];
        if (line !== undefined) exported.push(await post(`${jaeger().otlpHttpUrl}/v1/traces`, line));
      });
      const { code, stdout, stderr } = await runCli([
        'show',
        id,
        '--jaeger',
        via.url,
        '--wait',
        '90s',
        '--format',
        'json',
      ]);
      expect(exported).toEqual(lines.map(() => 200));
      expect(stderr).not.toContain('--wait ran out');
      expect(code).toBe(1);
      expect(ShowDocumentSchema.parse(JSON.parse(stdout)).spanCount).toBe(total);
      // Not found, then one poll per export request, then the one that saw no more.
      expect(polls).toBe(lines.length + 2);
    }, 120_000);
  });

  describe('searches', () => {
    const url = () => jaeger().queryUrl;

    it('list --service: trace-summaries are not in this Jaeger (its UI page answers), so api_v3 search; v1 the same', async () => {
      const via = await proxy();
      const v3 = await listIds(['--jaeger', via.url, '--service', 'user-service', ...windowOf()]);
      expect(pathsOf(via.requests)).toEqual(['/api/v3/trace-summaries', '/api/v3/traces']);
      const v1proxy = await proxy('plain-404');
      const v1 = await listIds(['--jaeger', v1proxy.url, '--service', 'user-service', ...windowOf()]);
      expect(pathsOf(v1proxy.requests)).toEqual(['/api/v3/trace-summaries', '/api/v3/traces', '/api/traces']);
      expect(v1.sort()).toEqual([...v3].sort());
      expect(v3).toHaveLength((await listIds([...ALL.map(fileOf), '--service', 'user-service'])).length);
    });

    it('--operation and --min-duration are applied by Jaeger to one span, as on files', async () => {
      for (const flags of [
        ['--service', 'order-service', '--operation', 'query_orders'],
        ['--service', 'user-service', '--min-duration', '5s'],
      ]) {
        const fromJaeger = await listIds(['--jaeger', url(), ...flags, ...windowOf()]);
        const fromFiles = await listIds([...ALL.map(fileOf), ...flags]);
        expect(fromJaeger.length).toBeGreaterThan(0);
        expect(fromJaeger).toHaveLength(fromFiles.length);
      }
    });

    it('--start/--end: the window of one scenario holds its trace only', async () => {
      const slow = runOf('order-service-slow');
      const ids = await listIds(['--jaeger', url(), '--service', 'user-service', ...windowOf([slow])]);
      expect(ids).toHaveLength(1);
      const { doc } = await json(['show', ids[0]!, '--jaeger', url(), '--format', 'json']);
      expect(verdicts(doc).diagnosis.kind).toBe('timed-out');
    });

    it('--limit: the newest traces, as many as asked', async () => {
      const all = await listIds(['--jaeger', url(), '--service', 'user-service', ...windowOf()]);
      const two = await listIds([
        '--jaeger',
        url(),
        '--service',
        'user-service',
        '--limit',
        '2',
        ...windowOf(),
      ]);
      expect(two).toEqual(all.slice(0, 2));
    });

    it('--tag: Jaeger 2.13 ignores it, so otrace asks deeper and filters: the newest matching traces', async () => {
      const flags = ['--service', 'user-service', '--tag', 'error=true', ...windowOf()];
      const all = await listIds(['--jaeger', url(), ...flags]);
      const fromFiles = await listIds([
        ...ALL.map(fileOf),
        '--service',
        'user-service',
        '--tag',
        'error=true',
      ]);
      expect(all).toHaveLength(fromFiles.length);
      const via = await proxy();
      const { code, doc } = await json([
        'list',
        '--jaeger',
        via.url,
        ...flags,
        '--limit',
        '2',
        '--format',
        'json',
      ]);
      expect(code).toBe(0);
      expect(ListDocumentSchema.parse(doc).traces.map((t) => t.traceId)).toEqual(all.slice(0, 2));
      const depths = via.requests
        .filter((r) => r.startsWith('/api/v3/traces?'))
        .map((r) => new URL(r, url()).searchParams.get('query.num_traces'));
      // The two newest user-service traces (the last scenarios') did not fail: asked again, deeper.
      expect(depths).toEqual(['2', '20']);
    });

    it("--limit above the memory store's max_traces: its 500, in one line (exit 3), v3 and v1", async () => {
      const tooDeep = ['list', '--service', 'user-service', '--limit', '200000'];
      const { code, stderr } = await runCli([...tooDeep, '--jaeger', url()]);
      expect(code).toBe(3);
      expect(stderr).toBe(
        `otrace: ${url()}/api/v3/traces: Jaeger api/v3 refused a search of 200000 traces: "search depth must be greater than 0 and less than max traces" — lower --limit: Jaeger's memory storage searches at most the max_traces it keeps\n`,
      );
      const via = await proxy('plain-404');
      const v1 = await runCli([...tooDeep, '--jaeger', via.url]);
      expect(v1.code).toBe(3);
      expect(v1.stderr).toContain('Jaeger api/traces (v1) refused a search of 200000 traces');
    });

    it('a window with nothing in it: Jaeger\'s 404 "No traces found" is an empty list (exit 0)', async () => {
      const before = ['--start', '2001-01-01T00:00:00Z', '--end', '2001-01-02T00:00:00Z'];
      const { code, stdout } = await runCli([
        'list',
        '--jaeger',
        url(),
        '--service',
        'user-service',
        ...before,
        '--format',
        'json',
      ]);
      expect(code).toBe(0);
      expect(ListDocumentSchema.parse(JSON.parse(stdout)).traces).toEqual([]);
    });

    it('without --service: the services Jaeger lists, through v3 and through v1', async () => {
      for (const hide of [undefined, 'plain-404'] as const) {
        const via = await proxy(hide);
        const { code, stderr } = await runCli(['errors', '--jaeger', via.url]);
        expect(code).toBe(2);
        expect(stderr).toMatch(/services in .*(user-service.*order-service|order-service.*user-service)/);
        expect(pathsOf(via.requests).at(-1)).toBe(hide ? '/api/services' : '/api/v3/services');
      }
    });
  });
});
