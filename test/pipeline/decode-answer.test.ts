import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spanCompactor } from '../../src/analysis/compact-span.js';
import { type OtraceError, SourceError } from '../../src/errors.js';
import type { Trace } from '../../src/model/types.js';
import { traceReader } from '../../src/pipeline/decode-answer.js';
import { type DecodeOptions, decodeTraces } from '../../src/pipeline/decode-traces.js';
import { parseJsonBody } from '../../src/sources/backend-response.js';
import type { TracesArray } from '../../src/sources/trace-backend.js';
import { readJsonAnswer } from '../../src/sources/traces-answer.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

/**
 * A backend answer decoded as it arrives, element by element, against the same answer parsed and
 * decoded whole (how every answer was read before): the same traces, span for span, the same
 * warnings, and the same one-line error for an answer that is malformed or cut short, however
 * the text is cut into pieces.
 */
const URL_ = 'http://jaeger.test/api/v3/traces?query.service_name=user-service';
const HEAD = { status: 200, contentType: 'application/json', shownUrl: URL_ };
const V3: TracesArray = { path: ['result', 'resourceSpans'], empty: {} };
const V1: TracesArray = { path: ['data'], empty: { spans: [] } };
const TEMPO_V2: TracesArray = { path: ['trace', 'resourceSpans'], empty: {} };
/** Piece sizes: one character (every boundary is a cut), small odd ones, and the whole text. */
const SIZES = [1, 2, 3, 7, 64, 1000, Number.POSITIVE_INFINITY];

const recorded = (name: string): string =>
  readFileSync(join(REPO_ROOT, 'fixtures', 'jaeger-v2', 'answers', name), 'utf8');

async function* piecesOf(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

type Outcome = { traces: readonly Trace[]; warnings: string[] } | { error: Error };

/** How the answer was read before: JSON.parse of the whole body, then one decode. */
function whole(text: string, options: Partial<DecodeOptions> = {}): Outcome {
  const warnings: string[] = [];
  try {
    const document = parseJsonBody({ ...HEAD, body: text, attempts: 1 }, 'hint');
    return { traces: decodeTraces(document, URL_, { ...options, warn: (m) => warnings.push(m) }), warnings };
  } catch (error) {
    return { error: error as Error };
  }
}

/** How it is read now: the text in pieces of `size`, decoded as they arrive. */
async function streamed(
  text: string,
  size: number,
  at: TracesArray,
  options: Partial<DecodeOptions> = {},
): Promise<Outcome> {
  const warnings: string[] = [];
  const reading = traceReader({ ...options, warn: (m) => warnings.push(m) }).start(URL_, at);
  try {
    const answer = await readJsonAnswer(piecesOf(text, size), HEAD, at, reading);
    if (answer.kind !== 'json') throw new Error('read as HTML');
    return { traces: answer.reading.end(answer.rest, answer.elements), warnings };
  } catch (error) {
    return { error: error as Error };
  }
}

/**
 * The error as the user sees it (class, one line, what next), or the traces and the warnings,
 * these in any order: what an envelope states after its traces (Jaeger v1's `errors`) is only
 * known, and said, once they are read.
 */
const shown = (outcome: Outcome) =>
  'error' in outcome
    ? {
        kind: outcome.error.constructor.name,
        message: outcome.error.message,
        hint: (outcome.error as OtraceError).hint,
      }
    : { traces: outcome.traces, warnings: [...outcome.warnings].sort() };

/** The traces of an outcome that is not an error. */
function tracesOf(outcome: object): readonly Trace[] {
  if (!('traces' in outcome)) throw new Error(`expected traces, got ${JSON.stringify(outcome)}`);
  return outcome.traces as readonly Trace[];
}

async function expectSameAsWhole(text: string, at: TracesArray, options: Partial<DecodeOptions> = {}) {
  const expected = shown(whole(text, options));
  for (const size of SIZES)
    expect(shown(await streamed(text, size, at, options)), `pieces of ${size}`).toEqual(expected);
  return expected;
}

/** The recorded v3 search answer, changed by `change` (its resourceSpans). */
interface ResourceSpans {
  scopeSpans: { spans: Record<string, unknown>[] }[];
}

function v3Answer(change: (resourceSpans: ResourceSpans[]) => void): string {
  const doc = JSON.parse(recorded('search-user-service.v3.json'));
  change(doc.result.resourceSpans);
  return JSON.stringify(doc);
}

interface V1Answer {
  data: { spans: Record<string, unknown>[] }[];
  errors: unknown;
}

function v1Answer(change: (doc: V1Answer) => void): string {
  const doc = JSON.parse(recorded('search-user-service.v1.json'));
  change(doc);
  return JSON.stringify(doc, null, 1);
}

describe('traceReader: an answer decoded as it arrives', () => {
  it('gives the traces of the whole answer, span for span, in pieces cut anywhere (api_v3 and v1)', async () => {
    for (const [name, at] of [
      ['search-user-service.v3.json', V3],
      ['search-order-service.v3.json', V3],
      ['search-user-service.v1.json', V1],
      ['order-service-slow.v1.json', V1],
      ['hotrod-dispatch.v3.json', V3],
    ] as const) {
      const expected = await expectSameAsWhole(recorded(name), at);
      expect(tracesOf(expected).length, name).toBeGreaterThan(0);
    }
  });

  it('keeps spans compact as file reading does, the same as compacting the whole answer', async () => {
    const text = recorded('search-user-service.v3.json');
    const expected = whole(text, { compact: spanCompactor(['user.id']) });
    const got = await streamed(text, 7, V3, { compact: spanCompactor(['user.id']) });
    expect(got).toEqual(expected);
    const spans = tracesOf(got).flatMap((t) => t.spans);
    // Only what the analysis reads, and the search's key: no network.peer.address.
    expect(spans.some((s) => 'user.id' in s.attributes)).toBe(true);
    expect(spans.some((s) => 'network.peer.address' in s.attributes)).toBe(false);
  });

  it('reads an OTLP answer under another envelope (Tempo) and an answer with no traces', async () => {
    const doc = JSON.parse(recorded('search-user-service.v3.json'));
    await expectSameAsWhole(JSON.stringify({ trace: doc.result }), TEMPO_V2);
    expect(await expectSameAsWhole('{"result":{"resourceSpans":[]}}', V3)).toEqual({
      traces: [],
      warnings: [],
    });
    expect(await expectSameAsWhole('{"data":[],"total":0,"errors":null}', V1)).toEqual({
      traces: [],
      warnings: [],
    });
  });

  it('warns as the whole answer does: counts added up, places in the answer, the envelope once', async () => {
    const v3 = v3Answer((resourceSpans) => {
      // Spans without times in three elements: one warning with the total, as for the whole.
      for (const i of [2, 9, 12]) {
        delete resourceSpans[i]!.scopeSpans[0]!.spans[0]!.startTimeUnixNano;
        delete resourceSpans[i]!.scopeSpans[0]!.spans[0]!.endTimeUnixNano;
      }
      // A link that cannot be used, in element 5: its place in the answer.
      resourceSpans[5]!.scopeSpans[0]!.spans[0]!.links = [{ traceId: 'nope', spanId: 'nope' }];
    });
    const expected = await expectSameAsWhole(v3, V3);
    expect((expected as { warnings: string[] }).warnings).toEqual([
      `${URL_}:1: 3 span(s) have no start/end time; shown as 0 ms`,
      `${URL_}:1: result.resourceSpans[5].scopeSpans[0].spans[0].links[0]: link ids are not usable ids; link ignored`,
    ]);
    const v1 = v1Answer((doc) => {
      doc.errors = [{ code: 404, msg: 'trace not found' }];
      delete doc.data[3]!.spans[0]!.processID;
    });
    await expectSameAsWhole(v1, V1);
    // Said in the order the answer states them: its traces, then (after them) its errors.
    expect(await streamed(v1, 64, V1)).toMatchObject({
      warnings: [
        `${URL_}:1: spans have no process (service name); shown as unknown_service`,
        `${URL_}:1: errors[0]: Jaeger: 404 trace not found`,
      ],
    });
  });

  it('refuses a malformed element mid-answer with the whole answer’s one-line error', async () => {
    const v1 = v1Answer((doc) => {
      doc.data[5]!.spans[2]!.spanID = 'not-hex';
    });
    expect(await expectSameAsWhole(v1, V1)).toMatchObject({
      kind: 'InputError',
      message: expect.stringMatching(/^http:\/\/jaeger\.test\/\S+:1: data\[5\]\.spans\[2\]\.spanID: /),
    });
    const v3 = v3Answer((resourceSpans) => {
      resourceSpans[7]!.scopeSpans[0]!.spans[0]!.traceId = 'zz';
    });
    expect(await expectSameAsWhole(v3, V3)).toMatchObject({
      kind: 'InputError',
      message: expect.stringMatching(
        /:1: result\.resourceSpans\[7\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: /,
      ),
    });
    const notAnElement = v3Answer((resourceSpans) => {
      resourceSpans[3] = 'a string' as never;
    });
    expect(await expectSameAsWhole(notAnElement, V3)).toMatchObject({
      message: `${URL_}:1: result.resourceSpans[3]: expected an object, got the string "a string"`,
    });
  });

  it('says an answer cut short after a malformed element is cut short, as reading it whole did', async () => {
    const v1 = v1Answer((doc) => {
      doc.data[1]!.spans[0]!.spanID = 'not-hex';
    });
    for (const cut of [v1.length - 1, v1.length >> 1, 40_000]) {
      const expected = await expectSameAsWhole(v1.slice(0, cut), V1);
      expect(expected).toMatchObject({
        kind: 'SourceError',
        message: expect.stringMatching(
          /: answered 200 with a body that is not valid JSON \(\d+ bytes, starting "/,
        ),
        hint: 'the answer may have been cut short by a proxy; try again',
      });
    }
  });

  it('refuses text that is not JSON with the same length and start as before', async () => {
    for (const text of [
      '',
      '   ',
      '\ufeff{"data":[]}',
      '  {"data":[1,]}',
      'null x',
      '{"result": {"resourceSpans": [',
    ]) {
      const expected = await expectSameAsWhole(text, V3);
      expect(expected, JSON.stringify(text)).toMatchObject({ kind: 'SourceError' });
    }
  });

  it('says an HTML page is one, by its content type or its first character, as parseJsonBody does', async () => {
    for (const [contentType, text] of [
      ['text/html; charset=utf-8', '{"data":[]}'],
      ['text/plain', '\n  <!doctype html><title>Sign in</title>'],
      ['application/json', '<html>'],
    ] as const) {
      const head = { ...HEAD, contentType };
      expect(() => parseJsonBody({ ...head, body: text, attempts: 1 }, 'hint')).toThrow(SourceError);
      for (const size of SIZES) {
        const reading = traceReader({ warn: () => {} }).start(URL_, V1);
        expect(await readJsonAnswer(piecesOf(text, size), head, V1, reading)).toEqual({ kind: 'html' });
      }
    }
  });

  it('decodes each element as soon as it is complete, before the rest of the answer has arrived', async () => {
    const text = recorded('search-user-service.v3.json');
    let piecesRead = 0;
    async function* counted(): AsyncGenerator<string> {
      for await (const piece of piecesOf(text, 512)) {
        piecesRead++;
        yield piece;
      }
    }
    const reading = traceReader({ warn: () => {} }).start(URL_, V3);
    /** How many pieces had arrived when each element was handed to the reader. */
    const arrivedAt: number[] = [];
    const answer = await readJsonAnswer(counted(), HEAD, V3, {
      element(value, index) {
        arrivedAt.push(piecesRead);
        reading.element(value, index);
      },
      end: (rest, elements) => reading.end(rest, elements),
    });
    if (answer.kind !== 'json') throw new Error('read as HTML');
    // The rest holds no element: the answer's array is emptied as it is read.
    expect(answer.rest).toEqual({ result: { resourceSpans: [] } });
    expect(arrivedAt).toHaveLength(22);
    expect(arrivedAt[0]).toBeLessThan(piecesRead / 10);
    expect(arrivedAt[11]).toBeLessThan((piecesRead * 3) / 4);
    const traces = answer.reading.end(answer.rest, answer.elements);
    expect(traces.reduce((n, t) => n + t.spans.length, 0)).toBe(77);
  });
});
