import { type FileHandle, open } from 'node:fs/promises';

/** A byte range [start, end) of a file that starts at the start of a line. */
export interface LineRange {
  readonly start: number;
  readonly end: number;
}

/** A byte range of a Collector `format: proto` file that starts at a message, and the messages before it. */
export interface MessageRange extends LineRange {
  readonly firstMessage: number;
}

/** How far the first line is looked for: a longer first line is one big document, not JSON Lines. */
const FIRST_LINE_LIMIT = 16 * 2 ** 20;
const WINDOW = 2 ** 16;

/**
 * Cuts a JSON Lines file into `parts` ranges of about equal size, each starting at a line, or
 * returns undefined when the file is not plainly JSON Lines: gzip, empty, or a first line that is
 * not a JSON document of its own (a pretty-printed or single huge document). Those are read the
 * ordinary way, which also gives any error its one-line message.
 */
export async function splitIntoLineRanges(path: string, parts: number): Promise<LineRange[] | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    if (!(await startsWithJsonLine(handle, size))) return undefined;
    const cuts = [0];
    for (let k = 1; k < parts; k++) {
      const cut = await nextLineStart(handle, Math.floor((k * size) / parts), size);
      if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
    }
    cuts.push(size);
    return cuts.slice(1).map((end, i) => ({ start: cuts[i]!, end }));
  } finally {
    await handle.close();
  }
}

/** The first non-blank line parses as a JSON object on its own (and the file is not gzip). */
async function startsWithJsonLine(handle: FileHandle, size: number): Promise<boolean> {
  const head = Buffer.alloc(Math.min(size, FIRST_LINE_LIMIT));
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  const bytes = head.subarray(0, bytesRead);
  if (bytes.length < 2 || (bytes[0] === 0x1f && bytes[1] === 0x8b)) return false;
  let from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // Bounded: each pass moves `from` past one line.
  while (from < bytes.length) {
    const newline = bytes.indexOf(0x0a, from);
    if (newline === -1) return false;
    const line = bytes.toString('utf8', from, newline).trim();
    if (line !== '') {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value === 'object' && value !== null;
      } catch {
        return false;
      }
    }
    from = newline + 1;
  }
  return false;
}

/** The offset just past the first newline at or after `from` (the file's size if there is none). */
async function nextLineStart(handle: FileHandle, from: number, size: number): Promise<number> {
  const window = Buffer.alloc(WINDOW);
  // Bounded: each pass reads further into the file, which ends.
  for (let at = from; at < size; at += WINDOW) {
    const { bytesRead } = await handle.read(window, 0, WINDOW, at);
    if (bytesRead === 0) break;
    const newline = window.subarray(0, bytesRead).indexOf(0x0a);
    if (newline !== -1) return at + newline + 1;
  }
  return size;
}

/**
 * The longest line among the first `bytes` of a file (at least what was read, when no line ends in
 * it): how big the documents of a JSON Lines file are, from a sample read in a few milliseconds.
 */
export async function longestLineIn(path: string, bytes: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const sample = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(sample, 0, bytes, 0);
    let longest = 0;
    let start = 0;
    // Bounded by the bytes read: each indexOf moves past one newline.
    for (let nl = sample.indexOf(0x0a); nl !== -1 && nl < bytesRead; nl = sample.indexOf(0x0a, nl + 1)) {
      longest = Math.max(longest, nl - start);
      start = nl + 1;
    }
    return Math.max(longest, bytesRead - start);
  } finally {
    await handle.close();
  }
}

/**
 * Cuts a Collector `format: proto` file (each message after its length, 4 bytes big-endian) into
 * `parts` ranges of about equal size, each starting at a message. Messages can only be found by
 * walking the lengths from the start, which reads 4 bytes a message. Undefined when the file is
 * not that layout, or its lengths do not end exactly at its end (a cut or corrupt file): those are
 * read by one thread, which reports where.
 */
export async function splitIntoMessageRanges(
  path: string,
  parts: number,
  isDelimitedProtobuf: (head: Buffer) => boolean,
): Promise<MessageRange[] | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 256));
    await handle.read(head, 0, head.length, 0);
    if (!isDelimitedProtobuf(head)) return undefined;
    const window = Buffer.alloc(WINDOW);
    let windowAt = 0;
    let windowLength = 0;
    const cuts: { start: number; firstMessage: number }[] = [{ start: 0, firstMessage: 0 }];
    let messages = 0;
    let at = 0;
    // Bounded: each pass moves `at` past one message of at least 4 bytes.
    while (at + 4 <= size) {
      if (at < windowAt || at + 4 > windowAt + windowLength) {
        windowAt = at;
        windowLength = (await handle.read(window, 0, WINDOW, at)).bytesRead;
        if (windowLength < 4) return undefined;
      }
      const next = at + 4 + window.readUInt32BE(at - windowAt);
      messages++;
      if (next > size) return undefined;
      if (next < size && next >= (cuts.length * size) / parts && cuts.length < parts)
        cuts.push({ start: next, firstMessage: messages });
      at = next;
    }
    if (at !== size) return undefined;
    return cuts.map((cut, i) => ({ ...cut, end: cuts[i + 1]?.start ?? size }));
  } finally {
    await handle.close();
  }
}
