// Records what the real Jaeger v2 answers, into fixtures/jaeger-v2/, so that machines without Go
// still test otrace's decoders and fault handling on real output (test/sources/recorded-jaeger).
// Starts Jaeger and HotROD on loopback, sends the seed scenarios and HotROD requests, asks every
// endpoint otrace uses, and writes each answer as it came: status, content type and body bytes.
//   npm run real-world:record        (needs Go: builds the tools first where not built)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startHotrod } from './hotrod.mjs';
import { startJaeger } from './jaeger.mjs';
import { get } from './processes.mjs';
import { buildTools, ROOT, TOOLS } from './tools.mjs';
import { driveHotrod, sendSeedScenarios } from './world.mjs';

const OUT = join(ROOT, 'fixtures', 'jaeger-v2');
const BODIES = join(OUT, 'answers');

/** Machine facts out of what is committed: the repository's path in stack traces, the host name. */
function scrub(text) {
  const host = JSON.stringify(hostname());
  return text.split(`file://${ROOT}`).join('').split(ROOT).join('').split(host).join('"recording-host"');
}

const rfc3339 = (ms) => new Date(ms).toISOString();

async function main() {
  const tools = buildTools(undefined, (line) => process.stderr.write(`record: ${line}\n`));
  const jaeger = await startJaeger(tools.jaeger.path);
  let hotrod;
  try {
    hotrod = await startHotrod(tools.hotrod.path, jaeger.otlpHttpUrl);
    process.stderr.write('record: HotROD requests\n');
    const requests = await driveHotrod(jaeger, hotrod, { sequential: ['123', '392', '999'], burst: 4 });
    process.stderr.write('record: seed scenarios\n');
    const runs = await sendSeedScenarios(jaeger);
    const from = Math.min(...runs.map((r) => r.startMs), Date.now() - 600_000);
    const window = {
      'query.start_time_min': rfc3339(from - 1000),
      'query.start_time_max': rfc3339(Date.now()),
    };

    const seedIds = {};
    for (const run of runs) {
      const params = new URLSearchParams({
        'query.start_time_min': rfc3339(run.startMs - 50),
        'query.start_time_max': rfc3339(run.endMs + 50),
        'query.num_traces': '20',
      });
      const ids = new Set();
      for (const service of ['user-service', 'order-service']) {
        params.set('query.service_name', service);
        const answer = await get(`${jaeger.queryUrl}/api/v3/traces?${params}`);
        if (answer.status === 200)
          for (const m of answer.body.matchAll(/"traceId":"([0-9a-f]{32})"/g)) ids.add(m[1]);
      }
      if (ids.size !== run.traces)
        throw new Error(`${run.name}: expected ${run.traces} trace(s) in Jaeger, found ${ids.size}`);
      seedIds[run.name] = [...ids].sort();
    }
    const healthy = requests.find((r) => r.customer === '123' && !r.burst);
    const unknown = requests.find((r) => r.customer === '999');
    const slowest = requests.filter((r) => r.burst).at(-1);
    const slow = seedIds['order-service-slow'][0];

    // name → the request otrace makes (or a fault a user meets), as Jaeger answered it
    const asks = {
      'hotrod-dispatch.v3': `/api/v3/traces/${healthy.traceId}`,
      'hotrod-dispatch.v1': `/api/traces/${healthy.traceId}`,
      'hotrod-unknown-customer.v3': `/api/v3/traces/${unknown.traceId}`,
      'hotrod-burst.v3': `/api/v3/traces/${slowest.traceId}`,
      'order-service-slow.v3': `/api/v3/traces/${slow}`,
      'order-service-slow.v1': `/api/traces/${slow}`,
      'trace-not-found.v3': '/api/v3/traces/00000000000000000000000000abc123',
      'trace-not-found.v1': '/api/traces/00000000000000000000000000abc123',
      'search-user-service.v3': `/api/v3/traces?${new URLSearchParams({ 'query.service_name': 'user-service', ...window, 'query.num_traces': '100' })}`,
      'search-order-service.v3': `/api/v3/traces?${new URLSearchParams({ 'query.service_name': 'order-service', ...window, 'query.num_traces': '100' })}`,
      'search-user-service.v1': `/api/traces?${new URLSearchParams({ service: 'user-service', start: String((from - 1000) * 1000), end: String(Date.now() * 1000), limit: '100' })}`,
      'search-no-match.v1': `/api/traces?${new URLSearchParams({ service: 'no-such-service', start: String((from - 1000) * 1000), end: String(Date.now() * 1000), limit: '100' })}`,
      'search-no-match.v3': `/api/v3/traces?${new URLSearchParams({ 'query.service_name': 'no-such-service', ...window, 'query.num_traces': '100' })}`,
      'search-too-deep.v3': `/api/v3/traces?${new URLSearchParams({ 'query.service_name': 'user-service', ...window, 'query.num_traces': '1000000' })}`,
      'search-no-window.v3': `/api/v3/traces?${new URLSearchParams({ 'query.service_name': 'user-service', 'query.num_traces': '100' })}`,
      'services.v3': '/api/v3/services',
      'services.v1': '/api/services',
      'trace-summaries': `/api/v3/trace-summaries?${new URLSearchParams({ 'query.service_name': 'user-service', ...window, 'query.num_traces': '100' })}`,
    };
    rmSync(BODIES, { recursive: true, force: true });
    mkdirSync(BODIES, { recursive: true });
    const answers = {};
    for (const [name, path] of Object.entries(asks)) {
      const answer = await get(`${jaeger.queryUrl}${path}`);
      const ext = answer.contentType.includes('html') ? 'html' : 'json';
      const file = `${name}.${ext}`;
      writeFileSync(join(BODIES, file), scrub(answer.body));
      answers[name] = {
        path,
        status: answer.status,
        contentType: answer.contentType,
        body: `answers/${file}`,
      };
      process.stderr.write(
        `record: ${name}: ${answer.status} ${answer.contentType}, ${answer.body.length} bytes\n`,
      );
    }
    const index = {
      recordedFrom: `Jaeger ${TOOLS.jaeger.version} (module ${TOOLS.jaeger.module}), memory storage; HotROD ${TOOLS.hotrod.version}`,
      traces: {
        hotrodDispatch: healthy.traceId,
        hotrodUnknownCustomer: unknown.traceId,
        hotrodBurst: slowest.traceId,
        seed: seedIds,
      },
      answers,
    };
    writeFileSync(join(OUT, 'answers.json'), `${JSON.stringify(index, null, 2)}\n`);
    process.stderr.write(`record: ${readdirSync(BODIES).length} answers in ${OUT}\n`);
  } finally {
    await hotrod?.stop();
    await jaeger.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`record: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
