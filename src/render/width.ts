import { stripVTControlCharacters } from 'node:util';
import { splitAtEscapes } from './sanitize.js';

/**
 * Widths in terminal columns: CJK characters and most emoji take two, combining marks and ANSI
 * colour codes none (string.length counts UTF-16 units, which breaks alignment). string-width
 * measures them; it costs about 3.5 MB once loaded, which JSON and the CI formats never need, so
 * the CLI loads it (`loadTextWidths`) before it renders text. Until then widths are UTF-16 units.
 */
let widthOf: ((text: string) => number) | undefined;

export async function loadTextWidths(): Promise<void> {
  widthOf ??= (await import('string-width')).default;
}

/**
 * Text whose every character takes one column: printable ASCII and the box-drawing characters of
 * the tree (U+2500-U+257F, narrow as string-width counts them). Its width is its length, without
 * segmenting it: a 10,000-level chain's tree lines are thousands of such characters deep, and
 * string-width spent 1.5 s on them.
 */
const ONE_COLUMN_EACH = /^[\x20-\x7e\u2500-\u257f]*$/;

export function displayWidth(text: string): number {
  if (ONE_COLUMN_EACH.test(text)) return text.length;
  return widthOf ? widthOf(text) : stripVTControlCharacters(text).length;
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` in at most `width` columns, the last one an ellipsis where it was cut; cut between
 * graphemes, never inside one (an emoji with its modifiers, a letter with its accents), nor inside
 * an escape `sanitize` wrote (`\u{202e}` is kept or left out whole). Colour codes are dropped from a
 * cut text: cutting inside one, or between one and its reset, would colour what follows.
 */
export function cut(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const unit of unitsOf(stripVTControlCharacters(text))) {
    const w = displayWidth(unit);
    if (used + w > width - 1) break;
    out += unit;
    used += w;
  }
  return `${out}…`;
}

/** What `cut` keeps or leaves out whole: graphemes, and each escape as one. */
function* unitsOf(text: string): Generator<string> {
  for (const [i, piece] of splitAtEscapes(text).entries()) {
    if (i % 2 === 1) yield piece;
    else for (const { segment } of GRAPHEMES.segment(piece)) yield segment;
  }
}
