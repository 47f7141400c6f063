import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { InputError } from '../../src/errors.js';
import { buildTree } from '../../src/model/build-tree.js';
import { TraceCollector } from '../../src/model/collect-traces.js';
import { decodeDocument } from '../../src/schema/decode.js';
import { frozen, makeSpan, makeTrace } from '../helpers/make-span.js';

/**
 * Property-based: the decoders take anything JSON can hold and either load it or refuse it with
 * an InputError (one line, exit 2), never another exception; the tree builder and the analysis take
 * any parent links (cycles, duplicates, missing parents) and keep every span exactly once.
 */
const ctx = { file: 'prop.json', line: 1, warn: () => {} };

function decodes(doc: unknown, format: 'auto' | 'otlp' | 'jaeger'): 'loaded' | 'refused' {
  try {
    decodeDocument(doc, ctx, new TraceCollector(), format);
    return 'loaded';
  } catch (error) {
    if (error instanceof InputError) {
      expect(error.message.split('\n')).toHaveLength(1);
      return 'refused';
    }
    throw error;
  }
}

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constant('\u001b[31mred\u001b[0m'),
  fc.constant('x'.repeat(10_000)),
  fc.integer(),
  fc.double(),
  fc.bigInt().map(String),
  fc.constant(null),
  fc.boolean(),
);

/** An OTLP document near the real shape, with any field possibly replaced by something else. */
const otlpSpan = fc.record(
  {
    traceId: fc.oneof(hex(32), weird),
    spanId: fc.oneof(hex(16), weird),
    parentSpanId: fc.oneof(hex(16), fc.constant(''), weird),
    name: fc.oneof(fc.string(), weird),
    kind: fc.oneof(
      fc.integer({ min: 0, max: 5 }),
      fc.constantFrom('SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'),
      weird,
    ),
    startTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), weird),
    endTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), weird),
    attributes: fc.oneof(
      fc.array(
        fc.record({
          key: fc.oneof(fc.string(), weird),
          value: fc.oneof(fc.record({ stringValue: weird }), fc.record({ intValue: weird }), weird),
        }),
      ),
      weird,
    ),
    status: fc.oneof(
      fc.record(
        { code: fc.oneof(fc.integer({ min: 0, max: 3 }), weird), message: weird },
        { requiredKeys: [] },
      ),
      weird,
    ),
    events: fc.oneof(
      fc.array(fc.record({ name: weird, timeUnixNano: weird, attributes: fc.constant([]) })),
      weird,
    ),
  },
  { requiredKeys: [] },
);
const otlpDoc = fc.record({
  resourceSpans: fc.oneof(
    fc.array(
      fc.record({
        resource: fc.oneof(
          fc.record({ attributes: fc.constant([{ key: 'service.name', value: { stringValue: 'svc' } }]) }),
          weird,
        ),
        scopeSpans: fc.oneof(
          fc.array(fc.record({ spans: fc.oneof(fc.array(otlpSpan, { maxLength: 8 }), weird) })),
          weird,
        ),
      }),
      { maxLength: 3 },
    ),
    weird,
  ),
});

const jaegerDoc = fc.record({
  data: fc.oneof(
    fc.array(
      fc.record(
        {
          traceID: fc.oneof(hex(16), hex(32), weird),
          spans: fc.oneof(
            fc.array(
              fc.record(
                {
                  traceID: fc.oneof(hex(32), weird),
                  spanID: fc.oneof(hex(16), hex(15), weird),
                  operationName: weird,
                  references: fc.oneof(
                    fc.array(
                      fc.record({
                        refType: fc.constantFrom('CHILD_OF', 'FOLLOWS_FROM', 'X'),
                        traceID: weird,
                        spanID: fc.oneof(hex(16), weird),
                      }),
                    ),
                    weird,
                  ),
                  startTime: fc.oneof(fc.integer({ min: 0 }), weird),
                  duration: fc.oneof(fc.integer({ min: 0 }), weird),
                  tags: fc.oneof(
                    fc.array(
                      fc.record({
                        key: weird,
                        type: fc.constantFrom('string', 'bool', 'int64', 'float64', 'binary', 'x'),
                        value: weird,
                      }),
                    ),
                    weird,
                  ),
                  processID: fc.oneof(fc.constant('p1'), weird),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 8 },
            ),
            weird,
          ),
          processes: fc.oneof(fc.constant({ p1: { serviceName: 'svc', tags: [] } }), weird),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    weird,
  ),
});

describe('decoders on random and mutated documents', () => {
  it('OTLP: loads or refuses with one line, never crashes (and both happen)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(otlpDoc, (doc) => {
        seen.add(decodes(doc, 'otlp'));
        decodes(doc, 'auto');
      }),
      { numRuns: 400 },
    );
    expect([...seen].sort()).toEqual(['loaded', 'refused']);
  });

  it('Jaeger: loads or refuses with one line, never crashes (and both happen)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(jaegerDoc, (doc) => {
        seen.add(decodes(doc, 'jaeger'));
        decodes(doc, 'auto');
      }),
      { numRuns: 400 },
    );
    expect([...seen].sort()).toEqual(['loaded', 'refused']);
  });

  it('any JSON value at all', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        decodes(doc, 'auto');
      }),
      { numRuns: 400 },
    );
  });
});

describe('the tree and the analysis on any parent links', () => {
  it('keep every span exactly once, whatever the cycles, duplicates and missing parents', () => {
    const ids = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const links = fc.array(
      fc.record({
        id: fc.constantFrom(...ids),
        parent: fc.option(fc.constantFrom(...ids, 'f00d'), { nil: undefined }),
        startMs: fc.nat(1000),
        length: fc.nat(1000),
      }),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(links, (specs) => {
        const trace = frozen(
          makeTrace(
            specs.map((s) =>
              makeSpan({ id: s.id, parent: s.parent, startMs: s.startMs, endMs: s.startMs + s.length }),
            ),
          ),
        );
        const tree = buildTree(trace);
        expect(tree.nodes).toHaveLength(specs.length);
        expect(new Set(tree.nodes.map((n) => n.span)).size).toBe(specs.length);
        const analysis = analyzeTrace(trace, { limits: [] });
        expect(analysis.facts).toHaveLength(specs.length);
      }),
      { numRuns: 300 },
    );
  });
});
