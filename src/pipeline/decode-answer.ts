import { formatLocation, InputError } from '../errors.js';
import type { Trace } from '../model/types.js';
import { type DecodeContext, formatPath, type LocatedWarning } from '../schema/decode-context.js';
import type { AnswerReading, TraceReader, TracesArray } from '../sources/trace-backend.js';
import { type DecodeOptions, TraceDecoder } from './decode-traces.js';

/**
 * A backend answer decoded as it arrives (sources/ hands over each element of its traces array as
 * soon as it is parsed), into the traces the whole answer decodes to, with the same warnings and
 * errors. Each element is decoded alone, as a copy of the answer that holds only it:
 *
 *   {"data": [t0, t1, t2, …]}   →   {"data": [t1]}  decoded, and let go
 *                                     a place in it, data[0].spans[3], is said as data[1].spans[3]
 *
 * then the rest of the answer, its array holding one element without spans (`at.empty`), for
 * what the envelope itself says (Jaeger v1's `errors`). A count a document states once ("3
 * span(s) have no start/end time") is added up over the elements and stated once at the end.
 * Spans are kept as `options.compact` makes them, so an answer of a million spans is held as
 * compact spans, never as text or parsed JSON.
 */
export function traceReader(options: DecodeOptions): TraceReader {
  return { start: (url, at) => new AnswerDecoding(url, at, options) };
}

class AnswerDecoding implements AnswerReading<readonly Trace[]> {
  readonly #url: string;
  readonly #at: TracesArray;
  readonly #warn: DecodeContext['warn'];
  readonly #decoder: TraceDecoder;
  /** Where an element's paths start in the copy it is decoded in: `data[0]`, `result.resourceSpans[0]`. */
  readonly #firstPlace: string;
  /** The element being decoded; undefined while the rest is. */
  #index: number | undefined;
  /** Counts stated once per document, added up over the elements: the rest of the detail → count and place. */
  readonly #counts = new Map<string, { count: number; at: LocatedWarning['at'] }>();

  constructor(url: string, at: TracesArray, options: DecodeOptions) {
    this.#url = url;
    this.#at = at;
    this.#warn = options.warn;
    this.#firstPlace = formatPath([...at.path, 0]);
    this.#decoder = new TraceDecoder({
      ...options,
      warn: (message, located) => this.#warned(message, located),
    });
  }

  element(value: unknown, index: number): void {
    this.#index = index;
    try {
      this.#decoder.add(holding(this.#at, [value]), this.#url, 1);
    } catch (error) {
      throw error instanceof InputError
        ? new InputError(this.#rebased(error.detail), error.hint, error.at)
        : error;
    }
  }

  end(rest: unknown, elements: number): readonly Trace[] {
    this.#index = undefined;
    // No element read: the rest is the whole answer (its array empty, or none where expected).
    this.#decoder.add(elements === 0 ? rest : holding(this.#at, [this.#at.empty], rest), this.#url, 1);
    for (const [detail, { count, at }] of this.#counts) {
      const stated = `${count} ${detail}`;
      this.#warn(`${formatLocation(at)}: ${stated}`, { at, detail: stated });
    }
    return this.#decoder.traces();
  }

  #warned(message: string, located: LocatedWarning | undefined): void {
    if (this.#index === undefined || located === undefined) {
      this.#warn(message, located);
      return;
    }
    const counted = COUNTED.exec(located.detail);
    if (counted) {
      const detail = counted[2]!;
      const seen = this.#counts.get(detail);
      if (seen) seen.count += Number(counted[1]);
      else this.#counts.set(detail, { count: Number(counted[1]), at: located.at });
      return;
    }
    const detail = this.#rebased(located.detail);
    this.#warn(`${formatLocation(located.at)}: ${detail}`, { at: located.at, detail });
  }

  /** A detail that starts with a place in the element's copy, with the place in the answer. */
  #rebased(detail: string): string {
    const first = this.#firstPlace;
    if (!detail.startsWith(first) || !/^($|[.[:])/.test(detail.slice(first.length))) return detail;
    return formatPath([...this.#at.path, this.#index ?? 0]) + detail.slice(first.length);
  }
}

/** A count of spans a decoder states once for a whole document: "3 span(s) have no start/end time; …". */
const COUNTED = /^(\d+) (span\(s\) .*)$/s;

/** `document` (a copy of the answer's envelope where none is given) with `elements` as its traces array. */
function holding(at: TracesArray, elements: unknown[], document?: unknown): unknown {
  if (at.path.length === 0) return elements;
  const root: Record<string, unknown> = (document as Record<string, unknown> | undefined) ?? {};
  let parent = root;
  for (const key of at.path.slice(0, -1)) {
    parent[key] ??= {};
    parent = parent[key] as Record<string, unknown>;
  }
  parent[at.path[at.path.length - 1]!] = elements;
  return root;
}
