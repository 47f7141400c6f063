import type { TerminalFacts } from './terminal.js';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

/**
 * An ora spinner on stderr while a backend is slow to answer: only on a terminal, never in CI
 * (`CI` set) and never with a machine format. ora is loaded only then, keeping start-up light.
 */
export async function startProgress(
  terminal: TerminalFacts,
  format: string,
  text: string,
): Promise<Progress> {
  if (format !== 'text' || !terminal.stderrIsTTY || terminal.env.CI || terminal.env.NO_COLOR !== undefined)
    return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    stop: () => spinner.stop(),
  };
}
