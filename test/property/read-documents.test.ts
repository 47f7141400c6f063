import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeDocument } from '../../src/schema/decode.js';
import { readDocuments } from '../../src/sources/file-source.js';

/**
 * Property-based, one level below the decoders: the bytes of a real export, mutated (bytes cut,
 * inserted, replaced, the text truncated, CRLF, a BOM, chunks split anywhere), are read and
 * decoded to the end or refused with one InputError line naming the file and a line that exists.
 */
const EXPORT = readFileSync(new URL('../../fixtures/seed/db-error-fanout.otlp.jsonl', import.meta.url));
const LINES = EXPORT.toString('utf8').split('\n').length;

type Outcome = { kind: 'loaded'; spans: number } | { kind: 'refused'; message: string };

async function load(bytes: Buffer, chunk: number): Promise<Outcome> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  let spans = 0;
  const sink = {
    span: () => {
      spans++;
    },
    traceWarning: () => {},
  };
  try {
    for await (const doc of readDocuments(Readable.from(chunks), 'export.jsonl')) {
      decodeDocument(doc.value, { file: doc.file, line: doc.line, warn: () => {} }, sink, 'auto');
    }
    return { kind: 'loaded', spans };
  } catch (error) {
    if (error instanceof InputError) return { kind: 'refused', message: error.message };
    throw error;
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('bom' as const) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = 'at' in m ? m.at % (bytes.length + 1) : 0;
  switch (m.kind) {
    case 'cut':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    case 'replace': {
      const out = Buffer.from(bytes);
      if (at < out.length) out[at] = m.byte;
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'crlf':
      return Buffer.from(bytes.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  }
}

describe('reading mutated exports', () => {
  it('loads them or refuses them in one line naming a line of the file, never anything else', async () => {
    const seen = { loaded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 5000 }),
        async (mutations, chunk) => {
          const bytes = mutations.reduce(mutate, EXPORT);
          const outcome = await load(bytes, chunk);
          seen[outcome.kind]++;
          if (outcome.kind === 'refused') {
            expect(outcome.message.split('\n')).toHaveLength(1);
            const line = /^export\.jsonl:(\d+)/.exec(outcome.message);
            // Empty input is refused as a whole; anything else names the line.
            if (!/is empty/.test(outcome.message)) {
              expect(line).not.toBeNull();
              expect(Number(line![1])).toBeGreaterThanOrEqual(1);
              expect(Number(line![1])).toBeLessThanOrEqual(LINES + 1);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes happen: the mutations are neither all harmless nor all fatal.
    expect(seen.loaded).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('reads the unmutated export whole, in chunks of any size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), async (chunk) => {
        const outcome = await load(EXPORT, chunk);
        expect(outcome).toEqual({ kind: 'loaded', spans: expect.any(Number) });
        expect((outcome as { spans: number }).spans).toBeGreaterThan(0);
      }),
      { numRuns: 50 },
    );
  });
});
