import type { Trace } from '../model/types.js';
import { isHtml, notJsonError } from './backend-response.js';
import type { AnswerHead, HttpClient, StreamedResponse } from './http-client.js';
import { JsonArraySplitter, JsonSyntaxError } from './json-array-splitter.js';
import type {
  AnswerReader,
  AnswerReading,
  FetchedTrace,
  SearchAnswer,
  TraceReader,
  TracesArray,
} from './trace-backend.js';

/**
 * A backend answer that holds traces (a search's, or one trace's), read as it arrives: the
 * elements of its traces array go to the reader one by one, the bytes, the text and the parsed
 * answer are never whole at once. What the answer is refused for is what parseJsonBody refuses
 * it for, in the same words: an HTML page, a body that is not JSON (its length and first
 * characters), with JSON errors before the reader's (an answer cut short is reported as such,
 * even after an element the reader refused) and the transport's before both, since the body is
 * always read to its end, as it was when it was read whole.
 */
export type ReadAnswer<R> =
  | { readonly kind: 'html' }
  | {
      readonly kind: 'json';
      /** The answer, its traces array emptied, or the whole answer where there was none (`elements` 0). */
      readonly rest: unknown;
      readonly elements: number;
      /** The reader's reading of this answer, to end (or not) once the caller has looked at `rest`. */
      readonly reading: AnswerReading<R>;
    };

/** A traces answer that is JSON, its reading to be ended (`fetchedTrace`, `searchAnswer`). */
export type JsonAnswer = Extract<ReadAnswer<unknown>, { kind: 'json' }>;

/**
 * GET `path` and read a 200 answer's traces as they arrive (into `reader`, or back into one
 * document without one); any other answer comes whole, as from `client.get`.
 */
export async function getTraces(
  client: HttpClient,
  path: string,
  query: Readonly<Record<string, string | undefined>>,
  at: TracesArray,
  reader: TraceReader | undefined,
): Promise<StreamedResponse<ReadAnswer<readonly Trace[] | unknown>>> {
  const chosen: AnswerReader<readonly Trace[] | unknown> = reader ?? wholeDocument;
  return client.stream(path, query, (text, head) =>
    readJsonAnswer(text, head, at, chosen.start(head.shownUrl, at)),
  );
}

/** The answer as one document again, for callers that give no reader: its elements put back. */
export const wholeDocument: AnswerReader<unknown> = {
  start(_url, at) {
    const elements: unknown[] = [];
    return {
      element: (value) => {
        elements.push(value);
      },
      end(rest, count) {
        if (count === 0) return rest;
        if (at.path.length === 0) return elements;
        // The splitter found the array there: every key on the way holds an object.
        let parent = rest as Record<string, unknown>;
        for (const key of at.path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
        parent[at.path[at.path.length - 1]!] = elements;
        return rest;
      },
    };
  },
};

/** Characters of the body's start (leading whitespace left out) that a message shows. */
const SHOWN_START = 30;

/**
 * The body's text as it arrives, into `reading`: the elements of the array at `at.path`, then
 * the rest. An HTML page is drained and said to be one; text that is not JSON is drained (for
 * its length) and refused; an element the reading refused is refused once the rest is known to
 * be JSON.
 */
export async function readJsonAnswer<R>(
  text: AsyncIterable<string>,
  head: AnswerHead,
  at: TracesArray,
  reading: AnswerReading<R>,
): Promise<ReadAnswer<R>> {
  let refused: { error: unknown } | undefined;
  const splitter = new JsonArraySplitter(at.path, (value, index) => {
    if (refused) return;
    try {
      reading.element(value, index);
    } catch (error) {
      refused = { error };
    }
  });
  let length = 0;
  /** The body's start, leading whitespace left out, as far as it is shown. */
  let start = '';
  let html: boolean | undefined;
  let notJson = false;
  for await (const piece of text) {
    length += piece.length;
    if (start.length < SHOWN_START) start = (start + piece).trimStart().slice(0, SHOWN_START);
    if (html === undefined && start !== '') html = isHtml(head.contentType, start);
    if (html || notJson) continue;
    try {
      splitter.write(piece);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      notJson = true;
    }
  }
  if (html ?? isHtml(head.contentType, start)) return { kind: 'html' };
  let rest: unknown;
  if (!notJson) {
    try {
      rest = splitter.end();
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      notJson = true;
    }
  }
  if (notJson) throw notJsonError(head, length, start);
  if (refused) throw refused.error;
  return { kind: 'json', rest, elements: splitter.elements, reading };
}

/**
 * One trace's answer, its reading ended: the traces `reader` decoded, or (no reader) the
 * document `getTraces` put back together.
 */
export function fetchedTrace(url: string, answer: JsonAnswer, reader: TraceReader | undefined): FetchedTrace {
  const value = answer.reading.end(answer.rest, answer.elements);
  return reader
    ? { status: 'decoded', traces: value as readonly Trace[], url }
    : { status: 'found', document: value, url };
}

/** A search's answer, its reading ended, as `fetchedTrace`. */
export function searchAnswer(url: string, answer: JsonAnswer, reader: TraceReader | undefined): SearchAnswer {
  const value = answer.reading.end(answer.rest, answer.elements);
  return reader
    ? { kind: 'decoded', traces: value as readonly Trace[], url }
    : { kind: 'documents', documents: [{ document: value, url }] };
}
