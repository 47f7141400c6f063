// Regenerates fixtures/seed/ from real services instrumented with the OpenTelemetry JS SDK.
// Everything runs on 127.0.0.1: a capture server records what the OTLP/HTTP exporters send, the
// services are child processes, every wait is bounded, and nothing is left running.
//   npm run fixtures                      every scenario
//   npm run fixtures -- lost-in-callback   only the scenarios named
//   npm run fixtures -- compare            the test runs of fixtures/compare/ (compare.mjs)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runScenario } from '../../examples/seed/services/orchestrate.mjs';
import { repoRoot, scrub, startCaptureServer } from './capture.mjs';
import { generateCompareFixtures } from './compare.mjs';
import { SCENARIOS, startProxy } from './scenarios.mjs';
import { toJaeger } from './to-jaeger.mjs';

const fixturesDir = join(repoRoot, 'fixtures');
/** Not one request but a test run of a hundred, three times over: a scenario of its own kind. */
const COMPARE = 'compare';

function check(scenario, requests) {
  const spans = requests.flatMap((r) =>
    r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
  );
  const names = new Set(spans.map((s) => s.name));
  const missing = scenario.expect.filter((n) => !names.has(n));
  const traces = new Set(spans.map((s) => s.traceId)).size;
  if (missing.length > 0)
    throw new Error(`${scenario.name}: spans missing: ${missing.join(', ')} (got: ${[...names].join(', ')})`);
  if (traces !== (scenario.traces ?? 1))
    throw new Error(`${scenario.name}: expected ${scenario.traces ?? 1} trace(s), got ${traces}`);
  return spans.length;
}

function mergeRequests(requests) {
  return { resourceSpans: requests.flatMap((r) => r.resourceSpans) };
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => name !== COMPARE && !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(', ')}`);
  const capture = await startCaptureServer();
  try {
    for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
      const outDir = join(fixturesDir, scenario.dir ?? 'seed');
      mkdirSync(outDir, { recursive: true });
      capture.bodies.length = 0;
      const exporter = { OTLP_URL: `http://127.0.0.1:${capture.port}/v1/traces` };
      const proxy = scenario.proxy ? (port) => startProxy(scenario.proxy, port) : undefined;
      const status = await runScenario(scenario, exporter, { proxy });
      const lines = capture.bodies.map(scrub);
      const requests = lines.map((l) => JSON.parse(l));
      const count = check(scenario, requests);
      const base = join(outDir, scenario.name);
      writeFileSync(`${base}.otlp.jsonl`, `${lines.join('\n')}\n`);
      writeFileSync(`${base}.otlp.json`, `${JSON.stringify(mergeRequests(requests), null, 2)}\n`);
      writeFileSync(`${base}.jaeger.json`, `${JSON.stringify(toJaeger(requests), null, 2)}\n`);
      process.stdout.write(
        `${scenario.name}: HTTP ${status}, ${count} spans in ${lines.length} export request(s) → ${relative(repoRoot, base)}.*\n`,
      );
    }
  } finally {
    capture.server.close();
  }
  if (wanted.length === 0 || wanted.includes(COMPARE)) await generateCompareFixtures();
}

main().catch((error) => {
  console.error(`fixtures: ${error.message}`);
  process.exitCode = 1;
});
