// OTLP/JSON (as the exporter sent it) → Jaeger's v1 query API JSON, following the mapping Jaeger
// applies when it serves OTLP data through /api/traces/{id}: span.kind, otel.status_code and
// error=true, otel.scope.name/version, events as logs with an `event` field, typed tags.

const KINDS = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

function tagOf(key, value) {
  if ('stringValue' in value) return { key, type: 'string', value: value.stringValue };
  if ('boolValue' in value) return { key, type: 'bool', value: value.boolValue };
  if ('intValue' in value) return { key, type: 'int64', value: Number(value.intValue) };
  if ('doubleValue' in value) return { key, type: 'float64', value: value.doubleValue };
  return { key, type: 'string', value: JSON.stringify(value) };
}

const micros = (nanos) => Number(BigInt(nanos) / 1000n);

/** @param {{resourceSpans: any[]}[]} requests  @returns Jaeger v1 envelope with one entry per trace */
export function toJaeger(requests) {
  const traces = new Map();
  for (const request of requests) {
    for (const rs of request.resourceSpans ?? []) {
      const attributes = rs.resource?.attributes ?? [];
      const serviceName =
        attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown_service';
      const processTags = attributes
        .filter((a) => a.key !== 'service.name')
        .map((a) => tagOf(a.key, a.value));
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          let trace = traces.get(span.traceId);
          if (!trace) {
            trace = {
              traceID: span.traceId,
              spans: [],
              processes: {},
              processKeys: new Map(),
              warnings: null,
            };
            traces.set(span.traceId, trace);
          }
          const processKey = JSON.stringify([serviceName, processTags]);
          let processID = trace.processKeys.get(processKey);
          if (!processID) {
            processID = `p${trace.processKeys.size + 1}`;
            trace.processKeys.set(processKey, processID);
            trace.processes[processID] = { serviceName, tags: processTags };
          }
          trace.spans.push(convertSpan(span, ss.scope, processID));
        }
      }
    }
  }
  const data = [...traces.values()].map(({ processKeys: _unused, ...trace }) => ({
    ...trace,
    spans: trace.spans.sort((a, b) => a.startTime - b.startTime),
  }));
  return { data, total: 0, limit: 0, offset: 0, errors: null };
}

function convertSpan(span, scope, processID) {
  const tags = (span.attributes ?? []).map((a) => tagOf(a.key, a.value));
  if (scope?.name) tags.push({ key: 'otel.scope.name', type: 'string', value: scope.name });
  if (scope?.version) tags.push({ key: 'otel.scope.version', type: 'string', value: scope.version });
  tags.push({ key: 'span.kind', type: 'string', value: KINDS[span.kind] ?? 'internal' });
  const code = span.status?.code ?? 0;
  if (code === 2) {
    tags.push({ key: 'otel.status_code', type: 'string', value: 'ERROR' });
    tags.push({ key: 'error', type: 'bool', value: true });
  } else if (code === 1) {
    tags.push({ key: 'otel.status_code', type: 'string', value: 'OK' });
  }
  if (span.status?.message)
    tags.push({ key: 'otel.status_description', type: 'string', value: span.status.message });
  return {
    traceID: span.traceId,
    spanID: span.spanId,
    operationName: span.name,
    references: span.parentSpanId
      ? [{ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId }]
      : [],
    startTime: micros(span.startTimeUnixNano),
    duration: micros(span.endTimeUnixNano) - micros(span.startTimeUnixNano),
    tags,
    logs: (span.events ?? []).map((event) => ({
      timestamp: micros(event.timeUnixNano),
      fields: [
        { key: 'event', type: 'string', value: event.name },
        ...(event.attributes ?? []).map((a) => tagOf(a.key, a.value)),
      ],
    })),
    processID,
    warnings: null,
    flags: span.flags ?? 1,
  };
}
