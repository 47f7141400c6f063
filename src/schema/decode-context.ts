import { formatLocation, InputError, type InputLocation } from '../errors.js';

/**
 * Where a document came from, so that a decoding error can say file:line and the JSON path.
 * Paths are built only when an error is raised: decoding stays cheap on the happy path.
 */
export interface DecodeContext {
  readonly file: string;
  /** 1-based line where the JSON value being decoded starts (JSON Lines: the record's line). */
  readonly line: number;
  /**
   * Collects non-fatal oddities (unusable links, missing timestamps) as one line each, which
   * starts with the place; `located` holds the place and the rest apart (see warnAt).
   */
  readonly warn: (message: string, located?: LocatedWarning) => void;
}

/** A warning about a place in the input, the place and what was found apart. */
export interface LocatedWarning {
  readonly at: InputLocation;
  readonly detail: string;
}

/** Warns about the document being decoded: `file:line: detail`, the place kept apart too. */
export function warnAt(ctx: DecodeContext, detail: string): void {
  const at = { file: ctx.file, line: ctx.line };
  ctx.warn(`${formatLocation(at)}: ${detail}`, { at, detail });
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
  return new InputError(`${formatPath(path)}: ${expected}`, hint, { file: ctx.file, line: ctx.line });
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (no such field)';
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
