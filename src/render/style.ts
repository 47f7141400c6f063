import { Chalk } from 'chalk';

/**
 * The few looks the text formats use. With colour off every function is the identity, so the
 * same renderer produces the plain text that tests and pipes see.
 */
export interface Style {
  readonly error: (s: string) => string;
  readonly warning: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly service: (s: string) => string;
  readonly critical: (s: string) => string;
  readonly ok: (s: string) => string;
}

const identity = (s: string): string => s;

export const PLAIN_STYLE: Style = {
  error: identity,
  warning: identity,
  dim: identity,
  bold: identity,
  service: identity,
  critical: identity,
  ok: identity,
};

export function createStyle(color: boolean): Style {
  if (!color) return PLAIN_STYLE;
  const chalk = new Chalk({ level: 1 });
  return {
    error: (s) => chalk.red.bold(s),
    warning: (s) => chalk.yellow(s),
    dim: (s) => chalk.dim(s),
    bold: (s) => chalk.bold(s),
    service: (s) => chalk.cyan(s),
    critical: (s) => chalk.magenta.bold(s),
    ok: (s) => chalk.green(s),
  };
}
