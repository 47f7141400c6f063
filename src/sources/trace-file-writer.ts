import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
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
