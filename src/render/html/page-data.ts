import { SPAN_KINDS } from '../../model/types.js';
import { LINE_LIMIT, quoteName, quoteValue, truncate } from '../quote.js';
import type { Report } from '../report.js';
import { sanitize } from '../sanitize.js';
import { MARK_LOOKS } from './span-marks.js';
import { StringTable } from './string-table.js';
import { buildTraceData, SPAN_FLAGS, type TraceData } from './trace-data.js';
import { drawingNoteText, PAGE_WORDS } from './words.js';

/** Rows of one table of the document shown in the page; the rest are counted in a last row. */
export const MAX_TABLE_ROWS = 1_000;

/** Everything the page script reads, embedded once as JSON (render-html.ts). */
export interface PageData {
  readonly command: string;
  readonly title: string;
  readonly summary: string;
  readonly notes: readonly string[];
  readonly words: typeof PAGE_WORDS;
  readonly flags: typeof SPAN_FLAGS;
  readonly looks: typeof MARK_LOOKS;
  readonly kinds: typeof SPAN_KINDS;
  readonly checks: readonly PageCheck[];
  /** The report's document as tables, or null where the waterfall is the document (`show`). */
  readonly document: unknown;
  readonly traces: readonly TraceData[];
  readonly strings: readonly string[];
}

interface PageCheck {
  readonly status: string;
  readonly severity: string;
  readonly name: string;
  readonly message: string;
  readonly traceId: string | null;
  readonly details: string | null;
}

export function buildPageData(report: Report): PageData {
  const drawing = report.drawing;
  const table = new StringTable();
  const traces = (drawing?.traces ?? []).map((drawn) => buildTraceData(drawn, table));
  return {
    command: line(report.command),
    title: line(report.title),
    summary: line(report.summary),
    notes: (drawing?.notes ?? []).map(drawingNoteText),
    words: PAGE_WORDS,
    flags: SPAN_FLAGS,
    looks: MARK_LOOKS,
    kinds: SPAN_KINDS,
    checks: report.checks.map((check) => ({
      status: check.status,
      severity: check.severity,
      name: line(check.name),
      message: line(check.message),
      traceId: check.traceId ?? null,
      details: check.details === undefined ? null : check.details.split('\n').map(line).join('\n'),
    })),
    document: drawing?.documentTables === false ? null : quoteDocument(report.json),
    traces,
    strings: table.strings,
  };
}

/** Prose otrace wrote around span data (a check, the summary): escaped, and cut as the CI formats cut a line. */
const line = (text: string): string => sanitize(truncate(text, LINE_LIMIT));

/**
 * The document with every string quoted (JSON documents keep span data whole and raw) and every
 * array cut to MAX_TABLE_ROWS, the rest counted in a string the page shows as a last row. A copy,
 * made with a stack: the document is not modified.
 */
export function quoteDocument(document: unknown): unknown {
  const box: { value: unknown } = { value: undefined };
  const stack: { from: unknown; into: Record<string, unknown> | unknown[]; key: string | number }[] = [
    { from: document, into: box as unknown as Record<string, unknown>, key: 'value' },
  ];
  while (stack.length > 0) {
    const { from, into, key } = stack.pop()!;
    const put = (value: unknown) => {
      (into as Record<string | number, unknown>)[key] = value;
    };
    if (typeof from === 'string') put(quoteValue(from));
    else if (Array.isArray(from)) {
      const copy: unknown[] = [];
      put(copy);
      const kept = Math.min(from.length, MAX_TABLE_ROWS);
      for (let i = 0; i < kept; i++) stack.push({ from: from[i], into: copy, key: i });
      if (from.length > kept) copy[kept] = `… ${from.length - kept} ${PAGE_WORDS.more}`;
    } else if (typeof from === 'object' && from !== null) {
      const copy: Record<string, unknown> = {};
      put(copy);
      const fields = Object.entries(from);
      // Keys first, in order: the fields are filled as they come off the stack, last first.
      for (const [field] of fields) copy[quoteName(field)] = undefined;
      for (const [field, value] of fields) stack.push({ from: value, into: copy, key: quoteName(field) });
    } else put(from);
  }
  return box.value;
}
