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
}

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

export const REPORT_FORMATS = ['text', 'json', 'ndjson', 'markdown', 'junit', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
