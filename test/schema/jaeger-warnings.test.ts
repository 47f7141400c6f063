import { describe, expect, it } from 'vitest';
import { decodeJaegerDocument } from '../../src/schema/jaeger.js';
import { decodeOtlpDocument } from '../../src/schema/otlp.js';
import { collecting } from '../helpers/collect.js';

// What Jaeger 2.13 answers for a span queried three times (its memory store adjusts the stored
// span each time): the same warnings again and again, and its note of a skew it did not adjust.
const ORPHAN = 'parent span ID=00000000000000aa is not in the trace; skipping clock skew adjustment';
const NOTE = 'clock skew adjustment disabled; not applying calculated delta of -2.189375ms';
const NOTED = [ORPHAN, NOTE, ORPHAN, NOTE, ORPHAN, NOTE];

describe("Jaeger's adjuster warnings", () => {
  it('api_v3 (OTLP): @jaeger@warnings become the span warnings, each once, without the note', () => {
    const { spans, sink, ctx } = collecting();
    decodeOtlpDocument(
      {
        result: {
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'order-service' } }] },
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: '5b8efff798038103d269b633813fc60c',
                      spanId: 'eee19b7ec3c1b174',
                      name: 'GET',
                      startTimeUnixNano: '1700000000000000000',
                      endTimeUnixNano: '1700000001000000000',
                      attributes: [
                        { key: 'http.response.status_code', value: { intValue: '200' } },
                        {
                          key: '@jaeger@warnings',
                          value: { arrayValue: { values: NOTED.map((stringValue) => ({ stringValue })) } },
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
      ctx,
      { ...sink, keepAttributes: new Set(['http.response.status_code']) },
    );
    expect(spans[0]!.warnings).toEqual([ORPHAN]);
    expect(spans[0]!.attributes).toEqual({ 'http.response.status_code': 200 });
  });

  it('v1: span warnings, each once, without the note', () => {
    const { spans, sink, ctx } = collecting();
    decodeJaegerDocument(
      {
        data: [
          {
            traceID: '5b8efff798038103d269b633813fc60c',
            processes: { p1: { serviceName: 'order-service', tags: [] } },
            spans: [
              {
                traceID: '5b8efff798038103d269b633813fc60c',
                spanID: 'eee19b7ec3c1b174',
                operationName: 'GET',
                references: [],
                startTime: 1700000000000000,
                duration: 1000,
                tags: [],
                logs: [],
                processID: 'p1',
                warnings: NOTED,
              },
            ],
          },
        ],
      },
      ctx,
      sink,
    );
    expect(spans[0]!.warnings).toEqual([ORPHAN]);
  });
});
