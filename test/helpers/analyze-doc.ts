import { type AnalysisOptions, analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { TraceCollector } from '../../src/model/collect-traces.js';
import { decodeOtlpDocument } from '../../src/schema/otlp.js';
import { type DocSpan, otlpDocument, spanHex } from './otlp-doc.js';

/** Decode made-up spans the way a file would be, and analyse the (single) trace. */
export function analyzeSpans(spans: readonly DocSpan[], options: AnalysisOptions = { limits: [] }) {
  const collector = new TraceCollector();
  decodeOtlpDocument(otlpDocument(spans), { file: 'test', line: 1, warn: () => {} }, collector);
  const [trace] = collector.traces();
  const analysis = analyzeTrace(trace!, options);
  /** Facts of the span made from `DocSpan.id`. */
  const factsOf = (id: number) => analysis.facts[analysis.tree.byId.get(spanHex(id) as never)!.index]!;
  return { analysis, factsOf, trace: trace! };
}
