// npm run demo:jaeger: the seed scenarios and HotROD into a real Jaeger v2, then otrace against
// it, in one command. Needs Go (Jaeger and HotROD are built from source the first time, into
// .cache/real-world/); `npm run demo` is the same story with no Go and no Jaeger.
//   node scripts/real-world/demo.mjs [--hold <seconds>]   (--hold: keep Jaeger up that long after)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dispatch, startHotrod } from './hotrod.mjs';
import { startJaeger, waitForTrace } from './jaeger.mjs';
import { buildTools, goVersion, ROOT } from './tools.mjs';
import { sendSeedScenarios } from './world.mjs';

const otrace = join(ROOT, 'bin', 'otrace.js');
const holdAt = process.argv.indexOf('--hold');
const holdSeconds = holdAt > 0 ? Math.min(Number(process.argv[holdAt + 1]) || 0, 3600) : 0;
const say = (text) => process.stdout.write(`${text}\n`);

function run(...args) {
  say(`\n$ otrace ${args.join(' ')}`);
  return spawnSync(process.execPath, [otrace, ...args], { stdio: 'inherit', env: process.env }).status;
}

async function main() {
  if (goVersion() === undefined) {
    process.stderr.write('demo:jaeger needs Go to build Jaeger and HotROD; `npm run demo` needs neither\n');
    process.exitCode = 1;
    return;
  }
  say('Building Jaeger v2 and HotROD where not built yet (the first time takes minutes)…');
  const tools = buildTools(['jaeger', 'hotrod'], (line) => say(`  ${line}`));
  const jaeger = await startJaeger(tools.jaeger.path);
  let hotrod;
  try {
    say(`Jaeger v2 on ${jaeger.queryUrl} (OTLP/HTTP in on ${jaeger.otlpHttpUrl})`);
    say('\nThe seed: user-service → order-service, healthy, down, slow, and ignoring the trace context');
    const runs = await sendSeedScenarios(jaeger, [
      'healthy',
      'order-service-down',
      'order-service-slow',
      'broken-propagation',
    ]);
    for (const r of runs) say(`  ${r.name}: user-service answered ${r.status}`);

    hotrod = await startHotrod(tools.hotrod.path, jaeger.otlpHttpUrl);
    say('\nHotROD: a ride for customer 123, and one for a customer its database does not have');
    const ride = await dispatch(hotrod.frontendUrl, '123');
    const unknown = await dispatch(hotrod.frontendUrl, '999');
    say(`  customer 123: ${ride.status}, trace ${ride.traceId}`);
    say(`  customer 999: ${unknown.status}, trace ${unknown.traceId}`);
    await waitForTrace(jaeger.queryUrl, ride.traceId, 39);
    await waitForTrace(jaeger.queryUrl, unknown.traceId, 4);

    const url = jaeger.queryUrl;
    run('list', '--jaeger', url, '--service', 'user-service');
    run('errors', '--jaeger', url, '--service', 'user-service');
    run('show', ride.traceId, '--jaeger', url);
    run('show', unknown.traceId, '--jaeger', url);
    run('errors', '--jaeger', url, '--service', 'frontend');
    run('check-propagation', '--jaeger', url);
    if (holdSeconds > 0) {
      say(`\nJaeger stays up for ${holdSeconds} s: otrace list --jaeger ${url} --service frontend`);
      await new Promise((resolve) => setTimeout(resolve, holdSeconds * 1000));
    }
  } finally {
    await hotrod?.stop();
    await jaeger.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`demo:jaeger: ${error.message}\n`);
  process.exitCode = 1;
});
