import { pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { SourceError } from '../errors.js';

// An answer's body as http-client.ts reads it: text as it arrives, capped, decompressed, under
// a deadline that runs only while otrace waits for it.

/** A failure of the request itself (connecting, TLS, the connection closing), as undici threw it. */
export class TransportFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('transport failure');
  }
}

/**
 * The time a request may spend waiting for the backend: running while otrace waits (for the
 * headers, for each piece of the body), paused while otrace works on what arrived.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #reason: () => Error;
  #left: number;
  #since = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number, reason: () => Error) {
    this.#left = ms;
    this.#reason = reason;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  run(): void {
    if (this.#timer !== undefined) return;
    this.#since = performance.now();
    this.#timer = setTimeout(() => this.#controller.abort(this.#reason()), Math.max(this.#left, 0));
  }

  pause(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#left -= performance.now() - this.#since;
  }
}

/** `source`, with the deadline running only while its next piece is awaited. */
export async function* whileWaiting<T>(source: AsyncIterable<T>, deadline: Deadline): AsyncGenerator<T> {
  const pieces = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      deadline.run();
      let next: IteratorResult<T>;
      try {
        next = await pieces.next();
      } finally {
        deadline.pause();
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await pieces.return?.();
  }
}

/**
 * The body as text, piece by piece, decompressed where the server (or a proxy) compressed it
 * although nothing was asked: gzip, deflate, br. The size is capped before and after
 * decompressing; a piece never ends inside a character.
 */
export async function* answerText(
  body: AsyncIterable<Buffer>,
  encoding: string,
  limit: number,
  shownUrl: string,
): AsyncGenerator<string> {
  const url = shownUrl.split('?')[0];
  const tooBig = () =>
    new SourceError(
      `${url}: the answer is larger than ${formatBytes(limit)}`,
      'ask for less: a smaller --limit, a shorter --since, or --service',
    );
  const inflate = INFLATERS[encoding];
  if (inflate === undefined && encoding !== '' && encoding !== 'identity')
    throw new SourceError(
      `${url}: answered in content encoding ${JSON.stringify(encoding)}, which otrace does not read`,
    );
  let bytes: AsyncIterable<Buffer> = capped(body, limit, tooBig);
  if (inflate) bytes = inflated(bytes, inflate(), limit, tooBig, `${url}: the ${encoding} answer`);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of bytes) {
    const text = decoder.write(chunk);
    if (text !== '') yield text;
  }
  const tail = decoder.end();
  if (tail !== '') yield tail;
}

const INFLATERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The body's bytes, refused (`tooBig`) past `limit`; a failure to read it is a TransportFailure. */
async function* capped(
  body: AsyncIterable<Buffer>,
  limit: number,
  tooBig: () => Error,
): AsyncGenerator<Buffer> {
  let size = 0;
  const chunks = body[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (error) {
      // The deadline's reason (a SourceError) as it is; anything else is the transport's.
      throw error instanceof SourceError ? error : new TransportFailure(error);
    }
    if (next.done) return;
    size += next.value.length;
    if (size > limit) throw tooBig();
    yield next.value;
  }
}

/** `bytes` decompressed, refused past `limit`; what does not decompress is said in one line. */
async function* inflated(
  bytes: AsyncIterable<Buffer>,
  inflater: NodeJS.ReadWriteStream,
  limit: number,
  tooBig: () => Error,
  what: string,
): AsyncGenerator<Buffer> {
  const out = pipeline(bytes, inflater, () => {
    // Errors reach the loop below through `out`.
  }) as AsyncIterable<Buffer>;
  let size = 0;
  try {
    for await (const chunk of out) {
      size += chunk.length;
      if (size > limit) throw tooBig();
      yield chunk;
    }
  } catch (error) {
    if (error instanceof SourceError || error instanceof TransportFailure) throw error;
    throw new SourceError(
      `${what} does not decompress (${(error as Error).message})`,
      'a proxy may have cut it short: try again',
    );
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)} MiB` : `${bytes} bytes`;
}
