import { createStyle, PLAIN_STYLE, type Style } from '../render/style.js';
import { outputWidth, readTerminal, type TerminalFacts, wantsColor } from './terminal.js';

/** What a command needs from its surroundings, gathered once in cli/. */
export interface CommandContext {
  readonly terminal: TerminalFacts;
  readonly warn: (message: string) => void;
  readonly warnings: () => number;
  /** Colour only for text, and only when the terminal and the environment allow it. */
  styleFor(format: string): Style;
  readonly width: number;
}

const MAX_WARNINGS = 20;

export function createContext(write: (text: string) => void, noColorFlag: boolean): CommandContext {
  const terminal = readTerminal();
  const seen = new Set<string>();
  let count = 0;
  return {
    terminal,
    width: outputWidth(terminal),
    warn(message) {
      if (seen.has(message)) return;
      seen.add(message);
      count++;
      if (count <= MAX_WARNINGS) write(`otrace: warning: ${message}`);
      else if (count === MAX_WARNINGS + 1) write('otrace: warning: more warnings not shown');
    },
    warnings: () => count,
    styleFor(format) {
      return format === 'text' && wantsColor(terminal, !noColorFlag) ? createStyle(true) : PLAIN_STYLE;
    },
  };
}
