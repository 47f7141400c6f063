import { sanitizeLines } from '../render/sanitize.js';

/**
 * Writing results. A reader that goes away (`otrace show … | head`) ends us quietly: EPIPE is not
 * an error worth a message. Large output to a pipe is never cut: we set exitCode and let Node
 * flush instead of calling process.exit().
 */
let pipeClosed = false;

export function installPipeHandling(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      pipeClosed = true;
      process.exitCode ??= 0;
      // Nothing more can be delivered; stop producing.
      process.stdout.destroy();
      return;
    }
    throw error;
  });
}

export function writeResult(text: string): void {
  if (pipeClosed || text === '') return;
  process.stdout.write(text);
}

/**
 * Diagnostics quote the input (a bad id, the start of a line, a file name), and JSON.stringify
 * leaves C1 controls and bidi overrides raw: each line is escaped here, the one way to stderr.
 */
export function writeDiagnostic(text: string): void {
  const safe = sanitizeLines(text).join('\n');
  process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}
