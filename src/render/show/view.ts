import type { TraceAnalysis } from '../../analysis/analyze-trace.js';

/** The parts of an analysis the renderers read. */
export type AnalysisView = Pick<
  TraceAnalysis,
  | 'tree'
  | 'facts'
  | 'selfTimes'
  | 'onCriticalPath'
  | 'findings'
  | 'diagnosis'
  | 'criticalPath'
  | 'criticalTimes'
  | 'criticalSubtreeTimes'
>;
