import type { PerfFinding } from '../analysis/perf/perf-findings.js';
import type { TraceId } from '../model/types.js';
import type { AnalysisView } from './show/view.js';
import type { Style } from './style.js';

/**
 * What every command produces, whatever the format: the versioned JSON document, its items (one
 * NDJSON line each), the text for a terminal, and the checks that CI formats (JUnit, GitHub
 * annotations, Markdown) report as passed or failed.
 */
export interface Report {
  /** `otrace show`, `otrace errors`…: names the JUnit suite and the Markdown heading. */
  readonly command: string;
  readonly title: string;
  /** One or two sentences: the verdict. */
  readonly summary: string;
  readonly json: unknown;
  readonly items: readonly unknown[];
  readonly text: (style: Style, width: number) => string;
  readonly checks: readonly ReportCheck[];
  /** What the html format draws beyond the checks; absent: the document as tables, no trace. */
  readonly drawing?: ReportDrawing | undefined;
}

/**
 * The traces a report is about, drawn as waterfalls by the html format: `show`'s one trace (its
 * waterfall is its document, so no tables), or the example traces a report over many traces links
 * to from its tables.
 */
export interface ReportDrawing {
  readonly traces: readonly DrawnTrace[];
  readonly documentTables: boolean;
  /** Why traces the document names are not drawn, as data (html/words.ts says it). */
  readonly notes: readonly DrawingNote[];
}

/** A trace as `show` analyses it: the verdicts and the performance findings are not worked out again. */
export interface DrawnTrace {
  readonly view: AnalysisView;
  readonly perfFindings: readonly PerfFinding[];
}

export type DrawingNote =
  /** The report names more traces than one page embeds. */
  | {
      readonly kind: 'traces-left-out';
      readonly count: number;
      readonly traceLimit: number;
      readonly spanLimit: number;
    }
  /** Standard input cannot be read again for the traces' spans. */
  | { readonly kind: 'stdin-not-read-again' }
  /** Named by the report but not found when read again (a backend that has dropped it). */
  | { readonly kind: 'traces-not-found'; readonly traceIds: readonly TraceId[] };

export interface ReportCheck {
  /** Unique within the report: the JUnit test case name. */
  readonly name: string;
  readonly status: 'passed' | 'failed';
  /** For failed checks: an error fails the run, a warning does not (GitHub `::warning`). */
  readonly severity: 'error' | 'warning' | 'notice';
  /** One line: the failure message, or what passed. */
  readonly message: string;
  readonly traceId?: string | undefined;
  /** More lines for the JUnit body and the Markdown details. */
  readonly details?: string | undefined;
}

export const REPORT_FORMATS = ['text', 'json', 'ndjson', 'markdown', 'junit', 'github', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
