import { ESCAPE_CUT_SHORT, sanitize } from './sanitize.js';

/**
 * Span data in the text formats is escaped and, past a limit, cut. A span name is a few dozen
 * characters and a message a line or two, but nothing stops an SDK, a bug or a hostile client from
 * sending 30 MB in either: printed whole, that is a 30 MB line in `receive` and 92 MB from `show`,
 * which a terminal, a CI log or a pull request takes whole. Cut text says how much was left out,
 * `GET /api…(+29,999,800 chars)`; `--format json` keeps every value whole.
 */

/** Span names, services, operations, peers: real ones are far shorter, SQL or a URL as a name fits. */
export const NAME_LIMIT = 200;
/** Messages, exception types, attribute values, each line of a stack trace: a long message fits. */
export const VALUE_LIMIT = 1_000;
/**
 * A whole line of a CI format (a check's name or message, a line of its details), which quotes a few
 * names and values already cut: the limit only catches a caller that printed a field whole.
 */
export const LINE_LIMIT = 4_000;

/** How prose quotes span data: escaped always, cut in the text formats. */
export interface Quote {
  /** Span names, services, operations, peers. */
  readonly name: (text: string) => string;
  /** Messages, exception types, attribute values. */
  readonly value: (text: string) => string;
}

export const quoteName = (text: string): string => sanitize(truncate(text, NAME_LIMIT));
export const quoteValue = (text: string): string => sanitize(truncate(text, VALUE_LIMIT));

/** For the text formats: terminals, Markdown, JUnit and GitHub annotations. */
export const TEXT_QUOTE: Quote = { name: quoteName, value: quoteValue };
/** For the prose in JSON documents (`diagnosis.text`, `message`): whole, as the values beside it. */
export const JSON_QUOTE: Quote = { name: sanitize, value: sanitize };

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` cut after `limit` characters (code points) with a marker saying how many were left out:
 * `abc…(+1,234 chars)`. Cut between graphemes, and before an escape `sanitize` wrote rather than
 * inside it, so that it works on raw and on escaped text alike. Reads only the start of a long
 * text, and counts the rest without copying it.
 */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = offsetAfter(text, limit);
  if (end >= text.length) return text;
  // The grapheme around the cut, from a window around it: ICU copies whatever it segments, 30 MB too.
  const from = Math.max(0, end - 32);
  end = from + GRAPHEMES.segment(text.slice(from, end + 32)).containing(end - from)!.index;
  end -= ESCAPE_CUT_SHORT.exec(text.slice(Math.max(0, end - 8), end))?.[0].length ?? 0;
  const left = codePointsFrom(text, end);
  return `${text.slice(0, end)}…(+${left.toLocaleString('en-US')} ${left === 1 ? 'char' : 'chars'})`;
}

/** The index just after the first `count` code points of `text`. */
function offsetAfter(text: string, count: number): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    if (isTrailingSurrogate(text.charCodeAt(i))) continue;
    if (seen === count) return i;
    seen++;
  }
  return text.length;
}

function codePointsFrom(text: string, start: number): number {
  let count = 0;
  for (let i = start; i < text.length; i++) if (!isTrailingSurrogate(text.charCodeAt(i))) count++;
  return count;
}

const isTrailingSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;
