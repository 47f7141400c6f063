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

export abstract class OtraceError extends Error {
  abstract readonly exitCode: number;
  /** What to do next, printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
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
