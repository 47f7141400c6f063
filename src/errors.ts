/**
 * Typed errors carry their exit code. Commands throw them; `cli/main.ts` is the one place that
 * catches, prints the one-line message and sets the exit code.
 */

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  input: 2,
  unavailable: 3,
} as const;

/** Where in an input a problem is: a file (or URL, or `<stdin>`), its 1-based line and column. */
export interface InputLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** `file:line:column`, as far as it is known. */
export function formatLocation(at: InputLocation): string {
  return `${at.file}${at.line === undefined ? '' : `:${at.line}`}${at.column === undefined ? '' : `:${at.column}`}`;
}

export abstract class OtraceError extends Error {
  abstract readonly exitCode: number;
  /** What to do next, printed after the message. */
  readonly hint: string | undefined;
  /** Where in the input, when the error is about a place in it; `message` starts with it. */
  readonly at: InputLocation | undefined;
  /** The message without the location. */
  readonly detail: string;
  constructor(detail: string, hint?: string, at?: InputLocation) {
    super(at === undefined ? detail : `${formatLocation(at)}: ${detail}`);
    this.hint = hint;
    this.at = at;
    this.detail = detail;
  }
}

/** The command line is wrong: unknown option value, bad duration, conflicting flags. */
export class UsageError extends OtraceError {
  readonly exitCode = EXIT.usage;
}

/** The input could be read but is not a trace we understand: bad JSON, wrong shape, bad ids. */
export class InputError extends OtraceError {
  readonly exitCode = EXIT.input;
}

/** The source could not be reached or does not hold what was asked: missing file, trace not found. */
export class SourceError extends OtraceError {
  readonly exitCode = EXIT.unavailable;
}
