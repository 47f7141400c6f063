import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { SourceError } from '../errors.js';

/** A line that could not be written whole (a full disk, an I/O error): nothing of it is left in the file. */
export class WriteFailed extends Error {}

/** How bytes reach the file: `writeSync`, or a stand-in that fails as a full disk does (tests). */
export type WriteBytes = (fd: number, bytes: Buffer, offset: number) => number;

const writeBytes: WriteBytes = (fd, bytes, offset) => writeSync(fd, bytes, offset);

/**
 * Appends one OTLP/JSON request per line, as the Collector's file exporter does. Writes are
 * synchronous: a request is acknowledged only once its whole line is in the file, so nothing
 * accepted is lost when the process is stopped, and a line that cannot be written whole is taken
 * back (the file is cut to where it was) and the request refused.
 */
export class TraceFileWriter {
  readonly #fd: number;
  #lines = 0;
  /** The file's size after the last whole line: where a failed write is cut back to. */
  #size: number;
  /** A failed write left a fragment that could not be cut off: the next line starts fresh. */
  #torn = false;

  constructor(
    readonly path: string,
    private readonly write_: WriteBytes = writeBytes,
  ) {
    try {
      this.#fd = openSync(path, 'a');
    } catch (error) {
      throw new SourceError(
        `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        'check the directory exists and is writable',
      );
    }
    this.#size = fstatSync(this.#fd).size;
    this.#startOnFreshLine();
  }

  get lines(): number {
    return this.#lines;
  }

  /** One request as one line, whole or not at all: throws WriteFailed when it could not be written. */
  write(json: string): void {
    const line = json.includes('\n') ? `${JSON.stringify(JSON.parse(json))}\n` : `${json}\n`;
    this.#writeWhole(Buffer.from(this.#torn ? `\n${line}` : line));
    this.#torn = false;
    this.#lines++;
  }

  /** Flushes to disk and closes; a failure is one line, exit 3. */
  close(): void {
    try {
      fsyncSync(this.#fd);
    } catch (error) {
      // Devices and pipes cannot be synced; anything else means the data may not be on disk.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'ENOTSUP') {
        closeSync(this.#fd);
        throw new SourceError(`${this.path}: cannot flush to disk (${code ?? 'error'})`, 'check the disk');
      }
    }
    closeSync(this.#fd);
  }

  #writeWhole(bytes: Buffer): void {
    let written = 0;
    try {
      // Bounded: each pass writes at least one byte, or throws.
      while (written < bytes.length) {
        const n = this.write_(this.#fd, bytes, written);
        if (n <= 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
        written += n;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (written > 0) {
        try {
          ftruncateSync(this.#fd, this.#size);
        } catch {
          // Not cut (a device, a failing disk): the fragment stays, and the next line starts fresh.
          this.#size += written;
          this.#torn = true;
        }
      }
      throw new WriteFailed(`${this.path}: cannot write the request (${code})`);
    }
    this.#size += bytes.length;
  }

  /**
   * A file whose last line was cut (a crash, a full disk) gets a newline first: the next record
   * starts a line of its own instead of being glued to the fragment, and readers skip the fragment.
   */
  #startOnFreshLine(): void {
    if (this.#size === 0) return;
    const last = Buffer.alloc(1);
    const read = openSync(this.path, 'r');
    try {
      readSync(read, last, 0, 1, this.#size - 1);
    } finally {
      closeSync(read);
    }
    if (last[0] !== 0x0a) this.#writeWhole(Buffer.from('\n'));
  }
}
