import { constants as bufferConstants } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { formatLocation, InputError, OtraceError, SourceError } from '../errors.js';
import type { DecodeContext } from '../schema/decode-context.js';
import { OtlpProtobufMessage } from '../schema/otlp-protobuf-spans.js';
import { GzipCorrupt, gunzipMembers } from './gzip-members.js';
import { locateJsonError } from './locate-json-error.js';

/**
 * Bytes → JSON values, knowing nothing of traces. Two shapes of file exist in the wild:
 *   - one JSON document, pretty-printed or not (API responses, UI downloads, OTLP examples), or
 *     several one after another (`jq . a.json b.json`);
 *   - JSON Lines, one document per line (the Collector file exporter, Jaeger UI multi-upload).
 * The first non-empty line decides: if it parses on its own, every line is a document and the
 * file streams line by line (memory stays flat); otherwise the whole text is one document.
 * gzip is detected by its magic bytes, a UTF-8 BOM is skipped, CRLF endings are accepted. OTLP
 * protobuf (one message, or the Collector file exporter's length-delimited messages) is read too,
 * each message as the OTLP/JSON document it stands for.
 */

export interface RawDocument {
  readonly value: unknown;
  /** Display name of the input: the path as given, or `<stdin>`. */
  readonly file: string;
  /** 1-based line the document starts on. */
  readonly line: number;
}

export const STDIN_NAME = '<stdin>';

/** Open a named file for reading, with the errors a user meets turned into one-line messages. */
export async function openFile(path: string): Promise<AsyncIterable<Buffer>> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw fileError(path, error);
  }
  if (info.isDirectory()) {
    throw new InputError(
      `${path}: is a directory`,
      `pass the files in it, or a quoted glob such as '${path}/*.json'`,
    );
  }
  // A FIFO, a process substitution (`-f <(…)`) or a terminal cannot be read at positions: streamed.
  if (!info.isFile()) return streamOf(path);
  return readChunks(path, { start: 0, end: Number.POSITIVE_INFINITY });
}

async function* streamOf(path: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(path)) yield chunk as Buffer;
  } catch (error) {
    throw fileError(path, error);
  }
}

/** Bytes read at a time: larger chunks made longer strings to split and cost more than they saved. */
const READ_CHUNK = 2 ** 16;

/**
 * A file's bytes in [start, end), read synchronously: nothing else runs meanwhile, and a read
 * from the page cache is quicker than a trip through the thread pool (7% of `errors` on a
 * 400 MB export was spent idle, waiting for the next asynchronous read).
 */
async function* readChunks(
  path: string,
  range: { readonly start: number; readonly end: number },
): AsyncGenerator<Buffer> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    // Bounded: each pass reads further, and a read of 0 bytes (the end) stops it.
    for (let at = range.start; at < range.end; ) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, range.end - at));
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, at);
      } catch (error) {
        throw fileError(path, error);
      }
      if (read === 0) return;
      at += read;
      yield read === chunk.length ? chunk : chunk.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

function fileError(path: string, error: unknown): Error {
  // Already worded (a read error met by readChunks, passed on by decodeBytes).
  if (error instanceof OtraceError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT')
    return new SourceError(`${path}: no such file`, 'check the path, or pass - to read standard input');
  if (code === 'EACCES' || code === 'EPERM')
    return new SourceError(
      `${path}: permission denied`,
      'check its permissions (ls -l), or read it as its owner',
    );
  return new SourceError(`${path}: cannot read (${code ?? (error as Error)?.message ?? 'unknown error'})`);
}

/** The longest string V8 makes (about 512 MiB): a JSON text longer than that cannot be parsed at all. */
const MAX_TEXT = bufferConstants.MAX_STRING_LENGTH;

function tooLong(file: string, line: number, what: 'a line' | 'a document'): InputError {
  return new InputError(
    `${what} of more than ${Math.floor(MAX_TEXT / 2 ** 20)} MiB: too long to parse as one JSON text`,
    "split it into smaller documents, one per line, e.g. jq -c '.resourceSpans[] | {resourceSpans: [.]}'",
    { file, line },
  );
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Yields each JSON document of a stream with the line it starts on. */
export async function* readDocuments(
  stream: AsyncIterable<Buffer>,
  file: string,
  warn?: DecodeContext['warn'],
): AsyncGenerator<RawDocument> {
  const { head, bytes } = await peekBytes(gunzipped(stream, file, true, warn), PROTOBUF_PEEK);
  const layout = protobufLayout(head);
  if (layout !== undefined) {
    yield* readProtobuf(bytes, file, layout);
    return;
  }
  // JSON text holds no NUL byte: /dev/zero, a sparse file or an image is refused now, not after
  // hundreds of MB read looking for the end of a line.
  if (head.includes(0)) throw notJsonNorProtobuf(file);
  const lines = splitLines(withoutBom(utf8(bytes)), file);
  let mode: 'undecided' | 'lines' | 'whole' = 'undecided';
  const whole: string[] = [];
  let wholeStart = 0;
  let wholeLength = 0;
  let sawContent = false;
  for await (const { text, line, unterminated } of lines) {
    if (mode === 'whole') {
      wholeLength += text.length + 1;
      if (wholeLength > MAX_TEXT) throw tooLong(file, wholeStart, 'a document');
      whole.push(text);
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      if (mode === 'undecided') continue;
      continue;
    }
    sawContent = true;
    if (mode === 'undecided') {
      checkLooksLikeJson(trimmed, file, line);
      const parsed = tryParse(trimmed);
      if (parsed.ok) {
        mode = 'lines';
        yield { value: parsed.value, file, line };
      } else {
        mode = 'whole';
        wholeStart = line;
        wholeLength = text.length;
        whole.push(text);
      }
      continue;
    }
    const parsed = tryParse(trimmed);
    if (!parsed.ok) {
      if (unterminated && warn && isTorn(trimmed, parsed.error)) {
        warnTorn(warn, file, line, text);
        continue;
      }
      throw jsonError(file, line, trimmed, parsed.error, 'lines');
    }
    yield { value: parsed.value, file, line };
  }
  if (!sawContent) {
    throw new InputError(
      `${file}: is empty`,
      file === STDIN_NAME
        ? 'nothing was piped in: pass -f FILE, pipe a trace in, or read from --jaeger, --tempo or --zipkin URL (or OTRACE_JAEGER_URL, OTRACE_TEMPO_URL, OTRACE_ZIPKIN_URL)'
        : 'expected OTLP JSON or Jaeger JSON',
    );
  }
  if (mode === 'whole') {
    const text = whole.join('\n');
    const parsed = tryParse(text);
    if (parsed.ok) {
      yield { value: parsed.value, file, line: wholeStart };
      return;
    }
    // Several documents one after another, as `jq . a.json b.json` writes them: each on its own.
    const pieces = /after JSON/.test(parsed.error.message) ? splitConcatenated(text) : undefined;
    if (!pieces) throw jsonError(file, wholeStart, text, parsed.error, 'whole');
    for (const piece of pieces) {
      const line = wholeStart + piece.linesBefore;
      const one = tryParse(piece.text);
      if (!one.ok) throw jsonError(file, line, piece.text, one.error, 'whole');
      yield { value: one.value, file, line };
    }
  }
}

/**
 * The JSON objects and arrays of a text that holds several one after another, each with the
 * number of lines before it; undefined when something between them is not whitespace. One pass,
 * aware of strings and their escapes.
 */
function splitConcatenated(text: string): { text: string; linesBefore: number }[] | undefined {
  const pieces: { text: string; linesBefore: number }[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  let lines = 0;
  let linesAtStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) lines++;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (depth === 0) {
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (c !== 0x7b && c !== 0x5b) return undefined;
      start = i;
      linesAtStart = lines;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) pieces.push({ text: text.slice(start, i + 1), linesBefore: linesAtStart });
    }
  }
  return depth === 0 && !inString && pieces.length > 1 ? pieces : undefined;
}

/** Bytes enough to tell a protobuf export from JSON. */
const PROTOBUF_PEEK = 256;
/** A protobuf field tag 1, length-delimited: `resource_spans` of TracesData / ExportTraceServiceRequest. */
const RESOURCE_SPANS_TAG = 0x0a;

/**
 * OTLP protobuf, told apart from JSON by its first bytes:
 * - `delimited`: the Collector file exporter's `format: proto`, each message after its length
 *   as 4 bytes, big-endian: a zero byte first, which no text has;
 * - `message`: one TracesData / ExportTraceServiceRequest, as SDK file exporters and captured
 *   request bodies hold it. It starts with the resource_spans tag, 0x0a, which is also a newline:
 *   it is protobuf only if what follows is not the start of a JSON document and holds a control
 *   byte (a length or a tag), which text does not.
 */
export function protobufLayout(head: Buffer): 'message' | 'delimited' | undefined {
  if (head.length >= 5 && head[0] === 0 && head[4] === RESOURCE_SPANS_TAG && head.readUInt32BE(0) > 0)
    return 'delimited';
  if (head[0] !== RESOURCE_SPANS_TAG || startsJson(head)) return undefined;
  return head.some((byte) => byte < 0x20 && !WHITESPACE.has(byte)) ? 'message' : undefined;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** After whitespace, `{` then `"` or `}`, or `[` then a value or `]`: the start of a JSON document. */
function startsJson(head: Buffer): boolean {
  let i = 0;
  const skip = () => {
    while (i < head.length && WHITESPACE.has(head[i]!)) i++;
  };
  skip();
  const open = head[i++];
  skip();
  if (i >= head.length) return open === 0x7b || open === 0x5b;
  const next = String.fromCharCode(head[i]!);
  if (open === 0x7b) return next === '"' || next === '}';
  if (open === 0x5b) return /[[{\]"\-0-9tfn]/.test(next);
  return false;
}

/** The first `wanted` bytes (fewer at the end of the stream), and every byte, those included. */
async function peekBytes(
  chunks: AsyncGenerator<Buffer>,
  wanted: number,
): Promise<{ head: Buffer; bytes: AsyncGenerator<Buffer> }> {
  const seen: Buffer[] = [];
  let length = 0;
  // Bounded: each pass takes one more chunk, and the stream's end stops it.
  while (length < wanted) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(next.value);
    length += next.value.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* seen;
    yield* chunks;
  }
  return { head: Buffer.concat(seen).subarray(0, wanted), bytes: replay() };
}

/** A protobuf message over this size is refused: no exporter writes one that large. */
const MAX_MESSAGE = 2 ** 30;

/**
 * Each protobuf message, numbered from 1 as its "line", for decode.ts to read. Bytes are gathered
 * until a whole message is in: each chunk is copied once, however large the message.
 */
async function* readProtobuf(
  chunks: AsyncIterable<Buffer>,
  file: string,
  layout: 'message' | 'delimited',
): AsyncGenerator<RawDocument> {
  if (layout === 'message') {
    const parts: Buffer[] = [];
    let length = 0;
    for await (const chunk of chunks) {
      length += chunk.length;
      if (length > MAX_MESSAGE) throw tooBigMessage(file, 1);
      parts.push(chunk);
    }
    yield {
      value: new OtlpProtobufMessage(Buffer.concat(parts), `${file}: protobuf message`),
      file,
      line: 1,
    };
    return;
  }
  const messages = new DelimitedMessages(file, 0, 0);
  for await (const chunk of chunks) yield* messages.push(chunk);
  messages.end();
}

/**
 * The Collector's length-delimited messages, from chunks of bytes: each message after its length
 * as 4 bytes, big-endian. `firstByte` and `firstMessage` place a range of the file (a worker's) in
 * it, for messages; each message's "line" counts from 1 within what this reads.
 */
export class DelimitedMessages {
  #parts: Buffer[] = [];
  #buffered = 0;
  /** The length of the message being gathered, once its 4 bytes are in. */
  #wanted: number | undefined;
  #offset: number;
  /** Messages yielded so far. */
  count = 0;

  constructor(
    readonly file: string,
    firstByte: number,
    readonly firstMessage: number,
  ) {
    this.#offset = firstByte;
  }

  *push(chunk: Buffer): Generator<RawDocument> {
    this.#parts.push(chunk);
    this.#buffered += chunk.length;
    // Bounded: each pass takes one whole message, or its length, off what is buffered.
    for (;;) {
      if (this.#wanted === undefined) {
        if (this.#buffered < 4) return;
        const size = this.#take(4).readUInt32BE(0);
        if (size > MAX_MESSAGE) throw tooBigMessage(this.file, this.firstMessage + this.count + 1);
        this.#wanted = size;
      }
      if (this.#buffered < this.#wanted) return;
      const bytes = this.#take(this.#wanted);
      this.count++;
      const where = `${this.file}: protobuf message ${this.firstMessage + this.count} (byte ${this.#offset})`;
      this.#offset += 4 + this.#wanted;
      this.#wanted = undefined;
      yield { value: new OtlpProtobufMessage(bytes, where), file: this.file, line: this.count };
    }
  }

  /** At the end of the bytes: a message begun and not finished is an error. */
  end(): void {
    const left = this.#buffered + (this.#wanted === undefined ? 0 : 4);
    if (left === 0) return;
    const number = this.firstMessage + this.count;
    throw new InputError(
      `${this.file}: protobuf message ${number + 1} (byte ${this.#offset}) is cut short: ${left} bytes of it`,
      `the ${number} messages before it are whole: was the file still being written, or truncated?`,
    );
  }

  /** The first `n` buffered bytes (n <= buffered), as one buffer. */
  #take(n: number): Buffer {
    const first = this.#parts[0]!;
    let taken: Buffer;
    if (first.length >= n) {
      taken = first.subarray(0, n);
      if (first.length === n) this.#parts.shift();
      else this.#parts[0] = first.subarray(n);
    } else {
      taken = Buffer.allocUnsafe(n);
      let filled = 0;
      // Bounded: each pass copies from one buffered chunk.
      while (filled < n) {
        const part = this.#parts[0]!;
        const used = Math.min(part.length, n - filled);
        part.copy(taken, filled, 0, used);
        filled += used;
        if (used === part.length) this.#parts.shift();
        else this.#parts[0] = part.subarray(used);
      }
    }
    this.#buffered -= n;
    return taken;
  }
}

function tooBigMessage(file: string, message: number): InputError {
  return new InputError(
    `${file}: protobuf message ${message} claims more than ${MAX_MESSAGE / 2 ** 20} MiB`,
    'this is not an OTLP protobuf export, or it is corrupt',
  );
}

/**
 * The documents of the JSON Lines in bytes [start, end) of a file, where `start` is the start of a
 * line: what one worker reads when a big export is read in parallel (see pipeline/parallel/). Lines
 * are numbered from 1 within the range; `counted.lines` ends as the number of lines in the range,
 * from which the caller learns how many came before the next one; `counted.chars` is the text
 * read so far.
 */
export async function* readLineRange(
  path: string,
  file: string,
  range: { readonly start: number; readonly end: number },
  counted: { lines: number; chars: number } = { lines: 0, chars: 0 },
  warn?: DecodeContext['warn'],
): AsyncGenerator<RawDocument> {
  if (range.end <= range.start) return;
  const pieces = splitLines(decodeStream(readChunks(path, range), file, false), file);
  for await (const { text, line, unterminated } of pieces) {
    counted.lines = line;
    counted.chars += text.length;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const parsed = tryParse(trimmed);
    if (!parsed.ok) {
      if (unterminated && warn && isTorn(trimmed, parsed.error)) {
        warnTorn(warn, file, line, text);
        continue;
      }
      throw jsonError(file, line, trimmed, parsed.error, 'lines');
    }
    yield { value: parsed.value, file, line };
  }
}

/**
 * The messages of a Collector `format: proto` file in bytes [start, end), where `start` is the
 * start of a message (found by walking the lengths: file-ranges.ts): what one worker reads.
 * `firstMessage` is the number of messages before the range, for messages about their bytes;
 * each message's "line" counts from 1 within the range, as readLineRange's lines do.
 */
export async function* readMessageRange(
  path: string,
  file: string,
  range: { readonly start: number; readonly end: number; readonly firstMessage: number },
  counted: { lines: number; chars: number } = { lines: 0, chars: 0 },
): AsyncGenerator<RawDocument> {
  const messages = new DelimitedMessages(file, range.start, range.firstMessage);
  for await (const chunk of readChunks(path, range)) {
    counted.chars += chunk.length;
    for (const message of messages.push(chunk)) {
      counted.lines = messages.count;
      yield message;
    }
  }
  messages.end();
}

/** A line JSON.parse found cut short (not wrong): what a crash or a full disk leaves at a file's end. */
function isTorn(text: string, error: Error): boolean {
  return isCutShort(text, error, errorOffset(text, error));
}

/** Where JSON.parse broke: from its message where it says, else found by scanning. */
function errorOffset(text: string, error: Error): number {
  const position = /position (\d+)/.exec(error.message);
  return position ? Number(position[1]) : locateJsonError(text);
}

/** The text ended before the JSON did, rather than holding something wrong. */
function isCutShort(text: string, error: Error, offset: number): boolean {
  return offset >= text.length || /Unexpected end of JSON input|Unterminated string/.test(error.message);
}

/**
 * The last line of a JSON Lines file cut short, with no newline after it (a writer killed, or a
 * full disk, mid-line): left out with a warning, so that every whole line before it is still read.
 */
function warnTorn(warn: DecodeContext['warn'], file: string, line: number, text: string): void {
  const detail = `the last line is cut short (${text.length} characters, no newline after it) and is left out: was the file still being written, or cut by a crash or a full disk?`;
  const at = { file, line };
  warn(`${formatLocation(at)}: ${detail}`, { at, detail });
}

type ParseResult = { ok: true; value: unknown } | { ok: false; error: Error };

function tryParse(text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

function notJsonNorProtobuf(file: string, line = 1): InputError {
  return new InputError(
    'binary data that is neither JSON nor an OTLP protobuf trace export',
    "otrace reads OTLP JSON and OTLP protobuf traces (one message, or the Collector file exporter's `format: proto`); a zstd-compressed export must be decompressed first",
    { file, line },
  );
}

function checkLooksLikeJson(firstLine: string, file: string, line: number): void {
  const c = firstLine[0];
  if (c === '{' || c === '[') return;
  if (firstLine.charCodeAt(0) === 0 || /[\u0000-\u0008\u000e-\u001f]/.test(firstLine.slice(0, 64)))
    throw notJsonNorProtobuf(file, line);
  if (c === '<') {
    throw new InputError('this is HTML or XML, not JSON', 'save the trace as JSON (Jaeger UI: Trace JSON)', {
      file,
      line,
    });
  }
  throw new InputError(
    `not JSON: starts with ${JSON.stringify(firstLine.slice(0, 20))}`,
    'expected OTLP JSON, Collector JSON Lines or Jaeger JSON',
    { file, line },
  );
}

/** One line: where the JSON breaks, as file:line:column. */
function jsonError(
  file: string,
  startLine: number,
  text: string,
  error: Error,
  mode: 'lines' | 'whole',
): InputError {
  const offset = errorOffset(text, error);
  let line = startLine;
  let column: number | undefined;
  if (offset >= 0) {
    const before = text.slice(0, offset);
    const newlines = before.split('\n').length - 1;
    line = startLine + newlines;
    column = offset - (before.lastIndexOf('\n') + 1) + 1;
  }
  const truncated = isCutShort(text, error, offset);
  const reason = truncated
    ? 'unexpected end of input'
    : offset >= 0
      ? `unexpected ${JSON.stringify(text.slice(offset, offset + 12))}`
      : (error.message.split('\n')[0] ?? 'cannot parse');
  const hint = truncated
    ? mode === 'lines'
      ? 'the line is cut short: was the file still being written, or truncated?'
      : 'the document is cut short: was the download or export interrupted?'
    : 'check the file is the JSON an exporter or the Jaeger/Tempo API wrote';
  return new InputError(`invalid JSON: ${reason}`, hint, { file, line, column });
}

/** Buffers → strings, gunzipping when the stream starts with the gzip magic bytes. */
async function* decodeStream(
  stream: AsyncIterable<Buffer>,
  file: string,
  detectGzip = true,
): AsyncGenerator<string> {
  yield* withoutBom(utf8(gunzipped(stream, file, detectGzip)));
}

/** A UTF-8 byte order mark is not part of the JSON. */
async function* withoutBom(texts: AsyncIterable<string>): AsyncGenerator<string> {
  let start = true;
  for await (const text of texts) {
    if (start && text !== '') {
      start = false;
      yield text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } else yield text;
  }
}

/**
 * The stream's bytes, gunzipped when it starts with the gzip magic bytes: every member, and bytes
 * after the last that are not one left out with one warning, as `gzip -d` does (gzip-members.ts).
 */
async function* gunzipped(
  stream: AsyncIterable<Buffer>,
  file: string,
  detectGzip: boolean,
  warn?: DecodeContext['warn'],
): AsyncGenerator<Buffer> {
  const iterator = stream[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw fileError(file, error);
  }
  if (first.done) return;
  const head: Buffer = first.value;
  if (detectGzip && head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
    const trailingGarbage = (offset: number) => {
      const detail = `trailing garbage ignored: what follows the gzip data, from byte ${offset} on, is not gzip and is left out, as gzip -d does; was something appended to the file?`;
      warn?.(`${file}: ${detail}`, { at: { file }, detail });
    };
    try {
      yield* gunzipMembers(head, iterator, trailingGarbage);
    } catch (error) {
      if (!(error instanceof GzipCorrupt)) throw fileError(file, error);
      throw new InputError(
        `${file}: gzip data is corrupt or cut short (${error.message})`,
        'was the download or copy interrupted? gzip -t checks the file',
      );
    }
    return;
  }
  yield head;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  } catch (error) {
    throw fileError(file, error);
  }
}

/** Bytes → strings (UTF-8, a sequence split across chunks joined). */
async function* utf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) yield decoder.write(chunk);
  yield decoder.end();
}

/**
 * Strings → lines with 1-based numbers; `\r\n` and `\n` both end a line. Each chunk is searched
 * once and the pieces of a long line are joined once, so a single line of hundreds of MB costs
 * linear time.
 */
async function* splitLines(
  chunks: AsyncIterable<string>,
  file: string,
): AsyncGenerator<{ text: string; line: number; unterminated?: boolean }> {
  let parts: string[] = [];
  let partsLength = 0;
  let line = 0;
  // Refused before the join, which would otherwise die with V8's "Invalid string length".
  const push = (piece: string): void => {
    partsLength += piece.length;
    if (partsLength > MAX_TEXT) throw tooLong(file, line + 1, 'a line');
    parts.push(piece);
  };
  const take = (): string => {
    const text = parts.length === 1 ? parts[0]! : parts.join('');
    parts = [];
    partsLength = 0;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      push(chunk.slice(start, nl));
      line++;
      yield { text: take(), line };
      start = nl + 1;
    }
    if (start < chunk.length) push(chunk.slice(start));
  }
  if (parts.length > 0) {
    line++;
    yield { text: take(), line, unterminated: true };
  }
}
