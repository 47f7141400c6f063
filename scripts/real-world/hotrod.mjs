// HotROD, Jaeger's demo app (frontend, customer, driver, route in one process, instrumented with
// the OpenTelemetry Go SDK), on free loopback ports, exporting OTLP/HTTP to `otlpHttpUrl`.
// Each service listens on, and the frontend dials, 127.0.0.1 (HotROD's default is 0.0.0.0).
import { freePort, get, startProcess, waitFor } from './processes.mjs';

/** Customers HotROD knows (its simulated MySQL table); any other id fails in the customer service. */
export const HOTROD_CUSTOMERS = ['123', '392', '731', '567'];

export async function startHotrod(binary, otlpHttpUrl) {
  const ports = {
    frontend: await freePort(),
    customer: await freePort(),
    driver: await freePort(),
    route: await freePort(),
  };
  const args = ['all'];
  for (const [service, port] of Object.entries(ports))
    args.push(`--${service}-service-hostname=127.0.0.1`, `--${service}-service-port=${port}`);
  const proc = startProcess('hotrod', binary, args, {
    // OTLP/HTTP (protobuf), HotROD's only exporter; each of its tracers sends a batch a second.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttpUrl },
  });
  const hotrod = {
    frontendUrl: `http://127.0.0.1:${ports.frontend}`,
    output: proc.output,
    stop: () => proc.stop(),
  };
  try {
    await waitFor(
      'HotROD frontend',
      async () => ((await get(`${hotrod.frontendUrl}/config`, 2000)).status === 200 ? true : undefined),
      { timeoutMs: 30_000, process: proc },
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return hotrod;
}

/**
 * One `GET /dispatch?customer=…`: its status, body, and the trace id HotROD names in its
 * `traceresponse` header (W3C trace-response: `00-<trace id>-<span id>-<flags>`).
 */
export async function dispatch(frontendUrl, customer) {
  const answer = await get(`${frontendUrl}/dispatch?customer=${customer}`, 30_000);
  const traceId = String(answer.headers.traceresponse ?? '').split('-')[1];
  if (!traceId) throw new Error(`dispatch ${customer}: no traceresponse header (${answer.status})`);
  return { status: answer.status, body: answer.body, traceId };
}
