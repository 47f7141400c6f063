import { InputError } from '../errors.js';

/**
 * Where a document came from, so that a decoding error can say file:line and the JSON path.
 * Paths are built only when an error is raised: decoding stays cheap on the happy path.
 */
export interface DecodeContext {
  readonly file: string;
  /** 1-based line where the JSON value being decoded starts (JSON Lines: the record's line). */
  readonly line: number;
  /** Collects non-fatal oddities (unusable links, missing timestamps) as one line each. */
  readonly warn: (message: string) => void;
}

export type PathPart = string | number;

/** `resourceSpans[0].scopeSpans[1].spans[3].spanId` */
export function formatPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(document)' : out;
}

/** The one-line error for a value that does not fit the wire format. */
export function decodeError(
  ctx: DecodeContext,
  path: readonly PathPart[],
  expected: string,
  hint?: string,
): InputError {
  return new InputError(`${ctx.file}:${ctx.line}: ${formatPath(path)}: ${expected}`, hint);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
