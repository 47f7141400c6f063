// npm run demo: the seed's story on one machine, no Collector and no Jaeger. `otrace receive`
// stands in at the OTLP/gRPC port; user-service and order-service (the real OpenTelemetry JS
// SDK) run each scenario; then otrace shows every trace and checks the propagation.
//   node examples/seed/run-demo.mjs [--keep <file>]   (--keep: where to leave the traces)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario, withTimeout } from './services/orchestrate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const otrace = join(root, 'bin', 'otrace.js');
const keep = process.argv.indexOf('--keep');
const out =
  keep > 0 ? process.argv[keep + 1] : join(mkdtempSync(join(tmpdir(), 'otrace-demo-')), 'traces.jsonl');

const SCENARIOS = [
  { name: 'order-service healthy', expect: 200 },
  { name: 'order-service down (connection refused)', orderService: false, expect: 502 },
  {
    name: "order-service slow (the caller's 5 s timeout fires)",
    order: { ORDER_DELAY_MS: '6000' },
    // order-service ends its span about 1 s after the 504: room for it on a busy machine.
    settleMs: 2500,
    expect: 504,
  },
  { name: 'order-service ignores the trace context', order: { PROPAGATION: 'none' }, expect: 200 },
];

const say = (text) => process.stdout.write(`${text}\n`);

function startReceiver() {
  const child = spawn(
    process.execPath,
    [otrace, 'receive', '--grpc', '0', '--http', 'off', '--out', out, '--idle', '3s'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    },
  );
  child.stdout.on('data', (d) =>
    process.stdout.write(`  receive │ ${String(d).trimEnd().split('\n').join('\n  receive │ ')}\n`),
  );
  const address = new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = stderr.match(/OTLP\/gRPC on ([\d.]+:\d+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`otrace receive exited (${code}): ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  return { child, address: withTimeout(address, 10_000, 'otrace receive'), exited };
}

function run(...args) {
  say(`\n$ otrace ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [otrace, ...args], { stdio: 'inherit', env: process.env });
  return result.status;
}

async function main() {
  const receiver = startReceiver();
  const address = await receiver.address;
  say(`otrace receive is listening for OTLP/gRPC on ${address} (a Collector would be on :4317)\n`);
  const exporter = { OTLP_GRPC: `http://${address}` };
  for (const scenario of SCENARIOS) {
    const status = await runScenario(scenario, exporter);
    say(
      `${scenario.name}: GET /users/42/profile answered ${status}${status === scenario.expect ? '' : ` (expected ${scenario.expect})`}`,
    );
  }
  // Let the last traces go idle and be printed, then stop the receiver as Ctrl-C would.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  receiver.child.kill('SIGTERM');
  await withTimeout(receiver.exited, 10_000, 'otrace receive to stop');

  const list = spawnSync(process.execPath, [otrace, 'list', out, '--format', 'json'], { encoding: 'utf8' });
  const traces = JSON.parse(list.stdout).traces;
  run('list', out);
  for (const trace of traces.filter((t) => t.rootService === 'user-service'))
    run('show', trace.traceId, '-f', out);
  run('check-propagation', out);
  run('errors', out, '--service', 'user-service');
  say(`\nThe traces are in ${out}.`);
}

main().catch((error) => {
  console.error(`demo: ${error.message}`);
  process.exitCode = 1;
});
