import type { SkippedInput } from '../pipeline/hooks.js';
import { createStyle, PLAIN_STYLE, type Style } from '../render/style.js';
import { type CliIo, writeDiagnostic } from './io.js';
import { outputWidth, readTerminal, type TerminalFacts, wantsColor } from './terminal.js';

/** What a command needs from its surroundings, gathered once in cli/. */
export interface CommandContext {
  readonly io: CliIo;
  readonly terminal: TerminalFacts;
  /** Writes a result to stdout (the only way results leave). */
  readonly out: (text: string) => void;
  /** A line on stderr, escaped. */
  readonly diagnostic: (text: string) => void;
  readonly warn: (message: string) => void;
  readonly warnings: () => number;
  /** Inputs among several that could not be read and were left out: the result is partial. */
  readonly skippedInputs: SkippedInput[];
  /** One such input: a line on stderr now, a note in the report (emitReport), exit 2 unless findings. */
  skipInput(skipped: SkippedInput): void;
  /** Colour only for text, and only when the terminal and the environment allow it. */
  styleFor(format: string): Style;
  readonly width: number;
  /** The run's exit code, as the command sets it. */
  exitCode: number;
}

const MAX_WARNINGS = 20;

export function createContext(io: CliIo, noColorFlag: boolean): CommandContext {
  const terminal = readTerminal(io);
  const seen = new Set<string>();
  const diagnostic = (text: string) => writeDiagnostic(io.stderr, text);
  let count = 0;
  return {
    io,
    terminal,
    width: outputWidth(terminal),
    out: (text) => io.stdout.write(text),
    diagnostic,
    warn(message) {
      if (seen.has(message)) return;
      seen.add(message);
      count++;
      if (count <= MAX_WARNINGS) diagnostic(`otrace: warning: ${message}`);
      else if (count === MAX_WARNINGS + 1) diagnostic('otrace: warning: more warnings not shown');
    },
    warnings: () => count,
    skippedInputs: [],
    skipInput(skipped) {
      this.skippedInputs.push(skipped);
      diagnostic(`otrace: ${skipped.reason} (skipped: the result leaves this input out)`);
    },
    styleFor(format) {
      return format === 'text' && wantsColor(terminal, !noColorFlag) ? createStyle(true) : PLAIN_STYLE;
    },
    exitCode: 0,
  };
}
