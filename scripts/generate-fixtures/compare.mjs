// Regenerates fixtures/compare/: the same test run three times (compare-plan.mjs), each against
// its own user-service and two order-service pods, all on 127.0.0.1. The runs take turns request
// by request, so that whatever else the machine is doing slows them alike: the baseline and its
// rerun must compare clean. Each run's services export to a capture server of its own; every wait
// is bounded and nothing is left running.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  request,
  startService,
  stopService,
  withTimeout,
} from '../../examples/seed/services/orchestrate.mjs';
import { repoRoot, scrub, startCaptureServer } from './capture.mjs';
import { COMPARE_RUNS, REQUESTS, resourceAttributes } from './compare-plan.mjs';

const outDir = join(repoRoot, 'fixtures', 'compare');
/** A file bigger than this is a plan to cut down: the fixtures are read by every test run. */
const MAX_BYTES = 1_000_000;

function startPod(file, serviceName, pod, exporter, env = {}) {
  return startService(file, {
    ...exporter,
    SERVICE_NAME: serviceName,
    OTEL_RESOURCE_ATTRIBUTES: resourceAttributes(pod),
    // A second's spans an export request, as a Collector's batch processor groups them.
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    ...pod.env,
    ...env,
  });
}

/** One run's capture server and services, started one after another (a loaded machine starts nine slowly). */
async function startRun(run, services, captures) {
  const capture = await startCaptureServer();
  captures.push(capture);
  const exporter = { OTLP_URL: `http://127.0.0.1:${capture.port}/v1/traces` };
  const orderUrls = [];
  for (const pod of run.orders) {
    const order = startPod('order-service.cjs', 'order-service', pod, exporter);
    services.push(order);
    orderUrls.push(`http://127.0.0.1:${(await order.listening).port}`);
  }
  const user = startPod('user-service.cjs', 'user-service', run.user, exporter, {
    ORDER_URLS: orderUrls.join(','),
  });
  services.push(user);
  const userUrl = `http://127.0.0.1:${(await user.listening).port}`;
  return { run, capture, userUrl, statuses: [] };
}

/** The file of one run, once every request got one trace and the baselines answered all with 200. */
function fileOf({ run, capture, statuses }) {
  const lines = capture.bodies.map(scrub);
  const spans = lines.flatMap((line) =>
    JSON.parse(line).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
  );
  const traces = new Set(spans.map((s) => s.traceId)).size;
  if (traces !== REQUESTS.length)
    throw new Error(`${run.name}: ${REQUESTS.length} requests, ${traces} traces`);
  const failed = statuses.filter((s) => s !== 200).length;
  if (run.name.startsWith('baseline') && failed > 0)
    throw new Error(`${run.name}: ${failed} requests failed`);
  const text = `${lines.join('\n')}\n`;
  if (Buffer.byteLength(text) > MAX_BYTES) throw new Error(`${run.name}: over ${MAX_BYTES} bytes`);
  const summary = `${run.name}: ${REQUESTS.length} requests (${failed} failed), ${spans.length} spans in ${lines.length} export request(s)`;
  return { path: join(outDir, `${run.name}.otlp.jsonl`), text, summary };
}

export async function generateCompareFixtures() {
  const services = [];
  const captures = [];
  const started = [];
  try {
    for (const run of COMPARE_RUNS) started.push(await startRun(run, services, captures));
    for (const path of REQUESTS)
      for (const running of started)
        running.statuses.push(await withTimeout(request(`${running.userUrl}${path}`), 20_000, 'request'));
    // Let the last spans end; each service exports what it holds before it stops.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const service of services) await stopService(service);
    // All three or none: a baseline and its rerun only mean something side by side.
    const files = started.map(fileOf);
    mkdirSync(outDir, { recursive: true });
    for (const { path, text, summary } of files) {
      writeFileSync(path, text);
      process.stdout.write(`${summary} → ${relative(repoRoot, path)}\n`);
    }
  } finally {
    for (const { child } of services) if (child.exitCode === null) child.kill('SIGKILL');
    for (const capture of captures) capture.server.close();
  }
}
