// OpenTelemetry set-up shared by the demo services, configured from the environment:
//   SERVICE_NAME  the service.name resource attribute
//   OTLP_URL      where the OTLP/HTTP JSON exporter posts (the fixture generator's capture server)
//   OTLP_GRPC     instead: the OTLP/gRPC endpoint (`otrace receive`, as a Collector on :4317 would
//                 be); metrics are then exported there too
//   PROPAGATION   "w3c" (default), "b3" (B3 single header only) or "none": a service that ignores
//                 incoming trace context
//   OTEL_RESOURCE_ATTRIBUTES  the standard "key=value,…" list, added to the resource (overriding
//                 service.version): the compare fixtures' pods, versions and hosts
//   OTEL_BSP_SCHEDULE_DELAY   ms between exports (default 100): longer batches more spans a request
// Loaded with require() before node:http so that the HTTP instrumentation can patch it.
const { SpanStatusCode, metrics, trace } = require('@opentelemetry/api');
const { CompositePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { OTLPTraceExporter: GrpcTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-grpc');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { B3Propagator } = require('@opentelemetry/propagator-b3');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { envDetector, resourceFromAttributes } = require('@opentelemetry/resources');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');

const serviceName = process.env.SERVICE_NAME;
const url = process.env.OTLP_URL;
const grpc = process.env.OTLP_GRPC;
if (!serviceName || !(url || grpc)) throw new Error('SERVICE_NAME and OTLP_URL or OTLP_GRPC must be set');

// Spread over the defaults, so that service.name and service.version keep their places.
const resource = resourceFromAttributes({
  'service.name': serviceName,
  'service.version': '1.0.0',
  ...envDetector.detect().attributes,
});
const exporter = grpc ? new GrpcTraceExporter({ url: grpc }) : new OTLPTraceExporter({ url });
const provider = new NodeTracerProvider({
  resource,
  spanProcessors: [
    new BatchSpanProcessor(exporter, {
      scheduledDelayMillis: Number(process.env.OTEL_BSP_SCHEDULE_DELAY ?? 100),
    }),
  ],
});
// The seed's counter and histogram go where the spans go, when that is a Collector-like endpoint.
const meterProvider = grpc
  ? new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: grpc }),
          exportIntervalMillis: 1000,
        }),
      ],
    })
  : undefined;
if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);
// An empty composite propagator extracts nothing: the service starts a new trace for every request.
const PROPAGATORS = {
  w3c: () => new W3CTraceContextPropagator(),
  b3: () => new B3Propagator(),
  none: () => new CompositePropagator({ propagators: [] }),
};
const propagator = (PROPAGATORS[process.env.PROPAGATION ?? 'w3c'] ?? PROPAGATORS.w3c)();
provider.register({ propagator });
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

/**
 * Export everything still buffered and wait for exports already in flight (forceFlush alone does
 * not wait for a batch the timer has started sending); the orchestrator asks before stopping us.
 */
async function flush() {
  await Promise.all([provider.shutdown(), meterProvider?.shutdown()]);
}

const tracer = trace.getTracer(serviceName, '1.0.0');
const meter = metrics.getMeter(serviceName, '1.0.0');

/** Runs `work` under a new active span and records a failure the way application code would. */
function inSpan(name, options, work) {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

module.exports = { flush, inSpan, meter, tracer };
