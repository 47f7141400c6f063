import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonArraySplitter, JsonSyntaxError } from '../../src/sources/json-array-splitter.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

/**
 * The splitter against JSON.parse of the whole text: cut into pieces anywhere (inside strings,
 * escapes, keys, numbers, between a backslash and what it escapes), it hands on the elements of
 * the array at the path and gives the rest with that array emptied, or refuses the text exactly
 * when JSON.parse refuses it.
 */
type Outcome = { elements: unknown[]; rest: unknown } | 'refused';

function split(pieces: readonly string[], path: readonly string[]): Outcome {
  const elements: unknown[] = [];
  const splitter = new JsonArraySplitter(path, (value, index) => {
    expect(index).toBe(elements.length);
    elements.push(value);
  });
  try {
    for (const piece of pieces) splitter.write(piece);
    const rest = splitter.end();
    expect(splitter.elements).toBe(elements.length);
    return { elements, rest };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return 'refused';
    throw error;
  }
}

/** What splitting must give: JSON.parse of the whole, the array at the path taken out. */
function expected(text: string, path: readonly string[]): Outcome {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'refused';
  }
  if (path.length === 0)
    return Array.isArray(doc) ? { elements: doc, rest: [] } : { elements: [], rest: doc };
  let parent: unknown = doc;
  for (const key of path.slice(0, -1)) {
    if (!isObject(parent) || !isObject(parent[key])) return { elements: [], rest: doc };
    parent = parent[key];
  }
  const last = path[path.length - 1]!;
  if (!isObject(parent) || !Array.isArray(parent[last])) return { elements: [], rest: doc };
  const elements = parent[last];
  parent[last] = [];
  return { elements, rest: doc };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` cut at each of `cuts` (positions, any order). */
function cutAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const recorded = (name: string) =>
  readFileSync(join(REPO_ROOT, 'fixtures', 'jaeger-v2', 'answers', name), 'utf8');

describe('JsonArraySplitter', () => {
  it('splits recorded Jaeger answers cut at every position as the whole text parses', () => {
    for (const [name, path] of [
      ['search-user-service.v3.json', ['result', 'resourceSpans']],
      ['search-user-service.v1.json', ['data']],
    ] as const) {
      const text = recorded(name);
      const whole = expected(text, path);
      expect(whole).not.toBe('refused');
      expect((whole as { elements: unknown[] }).elements.length).toBeGreaterThan(10);
      // One character at a time: every boundary is a cut.
      expect(split([...text], path)).toEqual(whole);
      // Pieces of many lengths up to 64, so that the cuts fall everywhere in turn.
      for (let size = 2; size <= 64; size += 3) {
        const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
          text.slice(i * size, (i + 1) * size),
        );
        expect(split(pieces, path), `pieces of ${size}`).toEqual(whole);
      }
    }
  });

  it('reads escapes, keys that look like brackets, scalars and whitespace cut anywhere', () => {
    const text = ` {"x{":"]}","da\\"ta":[9],"data" : [ {"s":"a\\\\\\"b\\\\","[":["}",{"]":"\\u005d"}]} , 12.5e-3 ,"q\\"]," ,true,null, [ ] , {} ],"errors":[{"code":404}]} `;
    const whole = expected(text, ['data']);
    expect(whole).toMatchObject({ elements: { length: 7 } });
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b += 7) {
        expect(split([text.slice(0, a), text.slice(a, b), text.slice(b)], ['data'])).toEqual(whole);
      }
    }
  });

  it('gives the whole document as the rest where no array is at the path', () => {
    for (const text of [
      '{"resourceSpans":[{"a":1}]}',
      '{"result":{"resourceSpans":null}}',
      '{"result":[{"resourceSpans":[1]}]}',
      '[{"result":{"resourceSpans":[1]}}]',
      '"result"',
    ]) {
      expect(split([text], ['result', 'resourceSpans'])).toEqual({ elements: [], rest: JSON.parse(text) });
    }
  });

  it('splits the document itself where the path is empty (a Zipkin list of traces)', () => {
    const text = '[[{"id":"a"}],[],[{"id":"b"},{"id":"c"}]]';
    expect(split(cutAt(text, [3, 14, 15, 20]), [])).toEqual({ elements: JSON.parse(text), rest: [] });
  });

  it('refuses what JSON.parse refuses, wherever it is cut', () => {
    const valid = recorded('search-user-service.v1.json');
    const bad = [
      '',
      '   ',
      '\ufeff{"data":[]}',
      '{"data":[1,]}',
      '{"data":[,1]}',
      '{"data":[1,,2]}',
      '{"data":[1 2]}',
      '{"data":[{"a":1} x]}',
      '{"data":[{]}',
      '{"data":[1}}',
      '{"data":[]]}',
      '{"data":[]} {}',
      '{"data":["\\x"]}',
      '{"da\\xta":[1]}',
      '}{"data":[1]}',
      '<html>',
      valid.slice(0, valid.length - 1),
      valid.slice(0, valid.length >> 1),
      `${valid}x`,
    ];
    for (const text of bad) {
      expect(expected(text, ['data']), text).toBe('refused');
      expect(split([text], ['data']), text).toBe('refused');
      expect(split([...text], ['data']), text).toBe('refused');
    }
  });

  it('agrees with JSON.parse on generated documents and mutations of them, cut anywhere', () => {
    const key = fc.constantFrom('result', 'errors', 'total', 'x"y', '[', '}');
    const element = fc.jsonValue({ maxDepth: 3 });
    const doc = fc.record({
      before: fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
      elements: fc.array(element, { maxLength: 6 }),
      after: fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
      nested: fc.boolean(),
      space: fc.constantFrom('', ' ', '\n  ', '\t'),
    });
    fc.assert(
      fc.property(
        doc,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.option(fc.tuple(fc.nat(), fc.constantFrom('', ',', ']', '}', '"', '\\', '[', '{', ' ')), {
          nil: undefined,
        }),
        ({ before, elements, after, nested, space }, cuts, mutation) => {
          const path = nested ? ['result', 'resourceSpans'] : ['data'];
          const array = JSON.stringify(elements, null, space);
          const inner = `{${Object.entries(before)
            .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
            .join('')}${JSON.stringify(path[path.length - 1])}:${array}${Object.entries(after)
            .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
            .join('')}}`;
          let text = nested ? `{"result":${inner}}` : inner;
          if (mutation) {
            const [at, put] = mutation;
            const p = at % (text.length + 1);
            // Replace one character (or delete it, with ''): most mutations break the document.
            text = text.slice(0, p) + put + text.slice(p + 1);
          }
          expect(split(cutAt(text, cuts), path)).toEqual(expected(text, path));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
