/**
 * Messages that differ only in the values they carry group together:
 * "user 123 not found" and "user 456 not found" are one error. Replaced, in this order: quoted
 * values, UUIDs, URLs' query strings, IPv4 addresses (with a port), long hex (ids, hashes), and
 * numbers standing alone or glued to letters ("timeout after 5000ms").
 */
const RULES: readonly [RegExp, string][] = [
  [/"[^"\n]*"|'[^'\n]*'|`[^`\n]*`/g, '<str>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\?[^\s]*/g, '?<query>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/(?<![\w<])-?\d+(?:\.\d+)?(?![\d>])/g, '<n>'],
];

/** Normalised messages longer than this are cut: they are group keys, not documents. */
const MAX_LENGTH = 300;

export function normalizeMessage(message: string): string {
  let out = message.trim().replace(/\s+/g, ' ');
  if (out.length > MAX_LENGTH * 4) out = out.slice(0, MAX_LENGTH * 4);
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH - 1)}…` : out;
}
