// Starting and stopping the demo services, shared by the fixture generator and `npm run demo`.
// Everything runs on 127.0.0.1, every wait is bounded, and nothing is left running.
import { fork } from 'node:child_process';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const withTimeout = (promise, ms, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

/** Forks `file` (user-service.cjs, order-service.cjs) with `env`; `listening` gives its ports. */
export function startService(file, env) {
  const child = fork(join(here, file), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listening = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited early (${code})`)));
    child.on('message', (m) => m.type === 'listening' && resolve(m));
  });
  return { child, listening: withTimeout(listening, 10_000, `${file} start`) };
}

/** Asks the service to export what it holds, then stops it. */
export async function stopService(service) {
  if (service.child.exitCode !== null) return;
  const flushed = new Promise((resolve) =>
    service.child.on('message', (m) => m.type === 'flushed' && resolve()),
  );
  service.child.send({ type: 'flush' });
  await withTimeout(flushed, 10_000, 'flush');
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await withTimeout(exited, 5_000, 'stop');
}

/** A port nothing listens on: bound, then released. */
export function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** GET, resolving with the status code. */
export function request(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

/**
 * user-service (and order-service unless `orderService` is false) with the scenario's settings,
 * one request to GET /users/42/profile, time for late spans, then both stopped after flushing.
 * `exporter` is the environment that points the services' exporters somewhere.
 */
export async function runScenario(scenario, exporter, { proxy } = {}) {
  const services = [];
  let orderUrl = `http://127.0.0.1:${await freePort()}`;
  let eventsPort = '';
  let proxyServer;
  try {
    if (scenario.orderService !== false) {
      const order = startService('order-service.cjs', {
        ...exporter,
        SERVICE_NAME: 'order-service',
        ...scenario.order,
      });
      services.push(order);
      const listening = await order.listening;
      orderUrl = `http://127.0.0.1:${listening.port}`;
      eventsPort = String(listening.eventsPort ?? '');
      if (proxy) {
        proxyServer = await proxy(listening.port);
        orderUrl = `http://127.0.0.1:${proxyServer.address().port}`;
      }
    }
    const user = startService('user-service.cjs', {
      ...exporter,
      SERVICE_NAME: 'user-service',
      ORDER_URL: orderUrl,
      EVENTS_PORT: eventsPort,
      ...scenario.user,
    });
    services.unshift(user);
    const userPort = (await user.listening).port;
    const status = await withTimeout(
      request(`http://127.0.0.1:${userPort}/users/42/profile`),
      20_000,
      'request',
    );
    // Let work that outlives the response finish and end its spans.
    await new Promise((resolve) => setTimeout(resolve, scenario.settleMs ?? 300));
    for (const service of services) await stopService(service);
    return status;
  } finally {
    for (const { child } of services) if (child.exitCode === null) child.kill('SIGKILL');
    proxyServer?.close();
  }
}
