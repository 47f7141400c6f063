/**
 * Small OTLP/JSON documents for tests that need a made-up trace (hostile names, exact shapes).
 * Times in ms from an epoch base; ids from short numbers.
 */
export interface DocSpan {
  id: number;
  parent?: number;
  name: string;
  service?: string;
  kind?: number;
  startMs: number;
  endMs: number;
  status?: { code: number; message?: string };
  attributes?: Record<string, string | number | boolean>;
  exception?: { type: string; message: string; stacktrace?: string };
  traceId?: string;
}

const BASE_NS = 1_700_000_000_000_000_000n;
export const DOC_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

export const spanHex = (n: number): string => n.toString(16).padStart(16, '0');

function anyValue(v: string | number | boolean) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function otlpDocument(spans: readonly DocSpan[]): { resourceSpans: unknown[] } {
  const byService = new Map<string, DocSpan[]>();
  for (const s of spans) {
    const service = s.service ?? 'svc';
    const list = byService.get(service);
    if (list) list.push(s);
    else byService.set(service, [s]);
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: list.map((s) => ({
            traceId: s.traceId ?? DOC_TRACE_ID,
            spanId: spanHex(s.id),
            parentSpanId: s.parent === undefined ? '' : spanHex(s.parent),
            name: s.name,
            kind: s.kind ?? 1,
            startTimeUnixNano: String(BASE_NS + BigInt(Math.round(s.startMs * 1e6))),
            endTimeUnixNano: String(BASE_NS + BigInt(Math.round(s.endMs * 1e6))),
            attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({
              key,
              value: anyValue(value),
            })),
            status: s.status ?? {},
            events: s.exception
              ? [
                  {
                    name: 'exception',
                    timeUnixNano: String(BASE_NS + BigInt(Math.round(s.endMs * 1e6))),
                    attributes: Object.entries({
                      'exception.type': s.exception.type,
                      'exception.message': s.exception.message,
                      'exception.stacktrace': s.exception.stacktrace ?? '',
                    }).map(([key, value]) => ({ key, value: { stringValue: value } })),
                  },
                ]
              : [],
          })),
        },
      ],
    })),
  };
}
