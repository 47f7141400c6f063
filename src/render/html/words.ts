import { plural } from '../format.js';
import type { DrawingNote } from '../report.js';

/**
 * The html page's wording, in one place: the page script holds no prose of its own and reads these
 * from the page's data (`words`), and the markers beside a span say what the text view's tree says.
 */

/** The markers after a span's name: the text view's (show/tree.ts), word for word. */
export const MARK_WORDS = {
  failed: '✗',
  timeout: 'TIMEOUT',
  origin: '◀ origin',
  recovered: 'recovered',
  duplicateId: '⚠ duplicate span id',
  cycleCut: '⚠ parent cycle cut here',
} as const;

export const slowBehindText = (name: string): string => `◀ SLOW: the wait behind ${name}'s timeout`;
export const parentMissingText = (parentId: string, remote: boolean): string =>
  `⚠ parent ${parentId} missing${remote ? ' (remote caller not collected)' : ''}`;
export const perfMarkText = (marker: string): string => `◀ ${marker}`;
export const peerText = (peer: string): string => `→ ${peer}`;

/** The labels of the page: headings, buttons, the details panel, the help line. */
export const PAGE_WORDS = {
  checks: 'Checks',
  status: 'status',
  severity: 'severity',
  check: 'check',
  message: 'message',
  trace: 'trace',
  traces: 'Traces',
  document: 'Report',
  passed: 'passed',
  failed: 'failed',
  search: 'Search spans: name, service, attribute (/)',
  onlyMatches: 'only matches',
  match: 'match',
  matches: 'matches',
  expandAll: 'expand all',
  collapseAll: 'collapse all',
  help: '↑↓ move · → ← Enter expand/collapse · / search · Esc close details · click a span for its details',
  close: 'close',
  spanId: 'span id',
  parentId: 'parent',
  kind: 'kind',
  duration: 'duration',
  startOffset: 'starts at',
  selfTime: 'self time',
  criticalTime: 'on the critical path',
  statusCode: 'status',
  scope: 'scope',
  exceptions: 'Exceptions',
  attributes: 'Attributes',
  resource: 'Resource',
  events: 'Events',
  links: 'Links',
  performance: 'Performance',
  none: '(none)',
  more: 'more rows: see --format json',
  depth: 'depth',
  criticalPath: 'critical path',
  backToReport: '↑ report',
  noName: '(no name)',
  spans: 'spans',
} as const;

export const NOSCRIPT_TEXT = 'This report is drawn by its script: open it in a browser with JavaScript on.';

export type PageWords = typeof PAGE_WORDS;

export function drawingNoteText(note: DrawingNote): string {
  switch (note.kind) {
    case 'traces-left-out':
      return `${note.count} more trace(s) named by the report are not drawn here (a page holds at most ${note.traceLimit} traces and ${note.spanLimit.toLocaleString('en-US')} spans): otrace show <trace-id> --format html draws one.`;
    case 'stdin-not-read-again':
      return 'The traces are not drawn: standard input cannot be read a second time for their spans. Pass the file with -f to draw them.';
    case 'traces-not-found':
      return `${note.traceIds.length} trace(s) named by the report were not found when read again: ${note.traceIds.slice(0, 5).join(', ')}${note.traceIds.length > 5 ? ', …' : ''}.`;
  }
}

/** The trace's first lines, as the text view's header says them. */
export function traceHeadText(facts: {
  traceId: string;
  duration: string;
  spans: number;
  services: number;
  failed: number;
}): string {
  const failed = facts.failed > 0 ? plural(facts.failed, 'failed span') : 'no failed spans';
  return `Trace ${facts.traceId}  ${facts.duration}  ${plural(facts.spans, 'span')}  ${plural(facts.services, 'service')}  ${failed}`;
}

export function traceRootText(root: string, service: string, at: string, roots: number): string {
  return `root ${root} (${service}) at ${at}${roots > 1 ? `; ${roots} roots` : ''}   * critical path (≥ 1% of the trace)`;
}
