// The traffic the real-world suite, the recorder and `npm run demo:jaeger` send into a real
// Jaeger: our seed scenarios (the OpenTelemetry JS SDK services of examples/seed, exporting
// OTLP/HTTP JSON straight to Jaeger) and HotROD requests. Every request is bounded in number.
import { runScenario } from '../../examples/seed/services/orchestrate.mjs';
import { SCENARIOS, startProxy } from '../generate-fixtures/scenarios.mjs';
import { dispatch } from './hotrod.mjs';
import { waitForTrace } from './jaeger.mjs';

/**
 * Runs each named scenario (all by default) with its services exporting to Jaeger, one after the
 * other. Returns, per scenario, the HTTP status user-service answered and the time window (epoch
 * ms) it ran in: its traces are the ones Jaeger holds from that window.
 */
export async function sendSeedScenarios(jaeger, names = SCENARIOS.map((s) => s.name)) {
  const exporter = { OTLP_URL: `${jaeger.otlpHttpUrl}/v1/traces` };
  const runs = [];
  for (const name of names) {
    const scenario = SCENARIOS.find((s) => s.name === name);
    if (!scenario) throw new Error(`no such scenario: ${name}`);
    const proxy = scenario.proxy ? (port) => startProxy(scenario.proxy, port) : undefined;
    const startMs = Date.now();
    const status = await runScenario(scenario, exporter, { proxy });
    // The services flushed before they stopped, and Jaeger stores a span before it answers the
    // export: the window can close now.
    runs.push({ name, status, startMs, endMs: Date.now(), traces: scenario.traces ?? 1 });
  }
  return runs;
}

/**
 * HotROD traffic: `sequential` customers one at a time, then `burst` requests for customer 123 at
 * once (they queue on HotROD's one simulated MySQL connection and its route worker pool). Waits
 * until Jaeger holds each trace whole. Returns each request's customer, status and trace id.
 */
export async function driveHotrod(jaeger, hotrod, { sequential = ['123'], burst = 0 } = {}) {
  const done = [];
  for (const customer of sequential)
    done.push({ customer, ...(await dispatch(hotrod.frontendUrl, customer)) });
  const together = await Promise.all(
    Array.from({ length: burst }, () => dispatch(hotrod.frontendUrl, '123')),
  );
  for (const answer of together) done.push({ customer: '123', burst: true, ...answer });
  for (const request of done) {
    // A dispatch has 39 or 40 spans; an unknown customer's, 4 (HotROD's code, see the suite).
    await waitForTrace(jaeger.queryUrl, request.traceId, request.status === 200 ? 39 : 4);
  }
  return done;
}
