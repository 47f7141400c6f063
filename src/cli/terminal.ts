import type { CliIo } from './io.js';

/**
 * What the terminal can take. Colour: `--no-color` and NO_COLOR turn it off, FORCE_COLOR turns it
 * on (FORCE_COLOR=0 off), otherwise only when stdout is a TTY that is not "dumb". Machine formats
 * never get colour.
 */
export interface TerminalFacts {
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  readonly columns: number | undefined;
  readonly env: NodeJS.ProcessEnv;
}

export function readTerminal(io: CliIo): TerminalFacts {
  return {
    stdoutIsTTY: io.stdout.isTTY,
    stderrIsTTY: io.stderr.isTTY,
    stdinIsTTY: io.stdin.isTTY === true,
    columns: io.stdout.columns,
    env: io.env,
  };
}

export function wantsColor(terminal: TerminalFacts, colorAllowed: boolean): boolean {
  if (!colorAllowed) return false;
  const { env } = terminal;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return terminal.stdoutIsTTY && env.TERM !== 'dumb';
}

export function outputWidth(terminal: TerminalFacts): number {
  const fromEnv = Number(terminal.env.COLUMNS);
  if (terminal.columns && terminal.columns > 0) return terminal.columns;
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return 120;
}
