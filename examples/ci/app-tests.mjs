// Stands for "the app's own tests" in the CI example: the seed services (real OpenTelemetry JS
// SDK) each handle a request, exporting over OTLP/gRPC to the endpoint in OTLP_GRPC, as an
// instrumented app under test would to a Collector.
import { runScenario } from '../seed/services/orchestrate.mjs';

const endpoint = process.env.OTLP_GRPC ?? 'http://127.0.0.1:4317';
const SCENARIOS = [
  { name: 'profile, order-service healthy' },
  { name: 'profile, order-service ignoring the trace context', order: { PROPAGATION: 'none' } },
];
for (const scenario of SCENARIOS) {
  const status = await runScenario(scenario, { OTLP_GRPC: endpoint });
  process.stdout.write(`test: ${scenario.name}: HTTP ${status}\n`);
}
