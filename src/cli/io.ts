import { sanitizeLines } from '../render/sanitize.js';

/** One of the two output streams: what the CLI writes to and what it needs to know of it. */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Columns of the terminal, when it is one. */
  readonly columns: number | undefined;
}

/**
 * Where one run of the CLI reads and writes: the process (`processIo`), or, in tests, buffers
 * (`run` in main.ts takes either). Nothing under cli/ reaches for `process` itself.
 */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: AsyncIterable<Buffer> & { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Calls `listener` when the run is asked to stop (SIGINT, SIGTERM); returns the undo. */
  onStop(listener: () => void): () => void;
}

/**
 * The process's own streams. A reader that goes away (`otrace show … | head`) ends us quietly:
 * EPIPE is not an error worth a message. Large output to a pipe is never cut: the exit code is
 * set and Node flushes, instead of process.exit().
 */
export function processIo(): CliIo {
  let pipeClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    pipeClosed = true;
    // Nothing more can be delivered; stop producing.
    process.stdout.destroy();
  });
  return {
    stdout: {
      write: (text) => {
        if (!pipeClosed && text !== '') process.stdout.write(text);
      },
      isTTY: process.stdout.isTTY === true,
      columns: process.stdout.columns,
    },
    stderr: {
      write: (text) => {
        process.stderr.write(text);
      },
      isTTY: process.stderr.isTTY === true,
      columns: process.stderr.columns,
    },
    stdin: process.stdin,
    env: process.env,
    onStop(listener) {
      process.on('SIGINT', listener).on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener).off('SIGTERM', listener);
      };
    },
  };
}

/**
 * Diagnostics quote the input (a bad id, the start of a line, a file name), and JSON.stringify
 * leaves C1 controls and bidi overrides raw: each line is escaped here, the one way to stderr.
 */
export function writeDiagnostic(stderr: Output, text: string): void {
  const safe = sanitizeLines(text).join('\n');
  stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}
