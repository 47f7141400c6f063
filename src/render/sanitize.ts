/**
 * Span data is untrusted: a span name can carry ESC sequences that recolour, move the cursor or
 * rewrite the terminal title. Every string from a trace passes through here before any text format
 * prints it: C0/C1 controls, DEL, bidi overrides, zero-width characters (which hide text or make
 * two names look alike) and the line and paragraph separators U+2028/2029 (which some viewers break
 * lines at) become visible escapes; nothing raw remains. The zero-width joiner stays: emoji need it.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function sanitize(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u{${c.charCodeAt(0).toString(16).padStart(2, '0')}}`);
}

/**
 * The escapes `sanitize` writes (`\u{1b}`, `\n`). Text cut to a width or a length is cut before one
 * or after it, never inside: `\u{20…` would read as another character.
 */
const ESCAPE_SEQUENCE = /(\\u\{[0-9a-f]{2,4}\}|\\[nrt])/;

/** `text` in pieces: text without escapes at even indices, one escape at each odd index. */
export function splitAtEscapes(text: string): string[] {
  return text.split(ESCAPE_SEQUENCE);
}

/** An escape cut short at the end of a text: `\`, `\u`, `\u{`, `\u{20`. */
export const ESCAPE_CUT_SHORT = /\\(?:u(?:\{[0-9a-f]{0,4})?)?$/;

/** For multi-line text (stack traces): keeps line breaks, escapes everything else. */
export function sanitizeLines(text: string): string[] {
  return text.split(/\r?\n/).map(sanitize);
}

/**
 * JSON for a terminal or a log: JSON.stringify escapes C0 controls but leaves DEL, C1 and bidi
 * controls raw. Outside strings JSON has none of them, so `\uXXXX` keeps the document valid and
 * the data exact, and nothing raw reaches the reader.
 */
const UNSAFE_IN_JSON =
  /[\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

export function escapeJsonControls(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
