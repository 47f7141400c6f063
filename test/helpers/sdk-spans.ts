import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * Two spans from the OpenTelemetry JS SDK, for tests of the protobuf readers against the SDK's own
 * serializers: a SERVER span and its failed CLIENT child, with attributes of every type, a link and
 * an exception event.
 */
export async function spansFromSdk() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop', 'service.instance.id': 7 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('proto-test', '1.2.3');
  const parent = tracer.startSpan('checkout', { kind: SpanKind.SERVER });
  const child = tracer.startSpan(
    'charge',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.response.status_code': 502,
        ratio: 0.25,
        retried: true,
        'peer.service': 'payment',
        tags: ['a', 'b'],
        negative: -3,
      },
      links: [{ context: parent.spanContext(), attributes: { why: 'retry' } }],
    },
    trace.setSpan(context.active(), parent),
  );
  child.addEvent('exception', { 'exception.type': 'Declined', 'exception.message': 'card 4242 declined' });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
  child.end();
  parent.end();
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}
