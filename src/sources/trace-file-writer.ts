import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { SourceError } from '../errors.js';

/**
 * Appends one OTLP/JSON request per line, as the Collector's file exporter does. Writes are
 * synchronous: a request is acknowledged only once its line is in the file, so nothing accepted
 * is lost when the process is stopped.
 */
export class TraceFileWriter {
  readonly #fd: number;
  #lines = 0;

  constructor(readonly path: string) {
    try {
      this.#fd = openSync(path, 'a');
    } catch (error) {
      throw new SourceError(
        `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        'check the directory exists and is writable',
      );
    }
    this.#startOnFreshLine();
  }

  /**
   * A file whose last line was cut (a crash, a full disk) gets a newline first: the next record
   * starts a line of its own instead of being glued to the fragment, and readers skip the fragment.
   */
  #startOnFreshLine(): void {
    const { size } = fstatSync(this.#fd);
    if (size === 0) return;
    const last = Buffer.alloc(1);
    const read = openSync(this.path, 'r');
    try {
      readSync(read, last, 0, 1, size - 1);
    } finally {
      closeSync(read);
    }
    if (last[0] !== 0x0a) writeSync(this.#fd, '\n');
  }

  get lines(): number {
    return this.#lines;
  }

  write(json: string): void {
    writeSync(this.#fd, json.includes('\n') ? `${JSON.stringify(JSON.parse(json))}\n` : `${json}\n`);
    this.#lines++;
  }

  close(): void {
    fsyncSync(this.#fd);
    closeSync(this.#fd);
  }
}
