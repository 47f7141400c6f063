import { describe, expect, it } from 'vitest';
import { SourceError, UsageError } from '../../src/errors.js';
import type { Trace } from '../../src/model/types.js';
import type { LoadedInput } from '../../src/pipeline/inputs.js';
import { namedBy, pickTrace } from '../../src/pipeline/pick-trace.js';
import { makeTrace } from '../helpers/make-span.js';

// Full 32-character ids: two that share the prefix 4bf9, one 64-bit (Jaeger) id padded with zeros.
const SHARED_1 = '4bf92f3577b34da6a3ce929d0e0e4736';
const SHARED_2 = '4bf92f35aaaaaaaaaaaaaaaaaaaaaaaa';
const PADDED = '0000000000000000a3ce929d0e0e4736';
const trace = (traceId: string): Trace => makeTrace([{ traceId: traceId as Trace['traceId'] }]);

function loaded(traces: Trace[], inputNames: string[] = ['traces.json'], otherTraces = 0): LoadedInput {
  return { traces, inputNames, skippedDocuments: 0, otherTraces };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

const ALL = loaded([trace(SHARED_1), trace(SHARED_2), trace(PADDED)]);

describe('pickTrace', () => {
  it('gives the only trace when no id is asked for', () => {
    const only = trace(SHARED_1);
    expect(pickTrace(loaded([only]), undefined)).toEqual({ kind: 'trace', trace: only });
  });

  it('gives them all, and where they were read, when no id is asked for and there are several', () => {
    expect(pickTrace(ALL, undefined)).toEqual({ kind: 'several', traces: ALL.traces, where: 'traces.json' });
    expect(pickTrace(loaded(ALL.traces, ['a.json', 'b.json', '<stdin>']), undefined)).toMatchObject({
      kind: 'several',
      where: '3 inputs',
    });
  });

  it('finds a trace by its whole id, in any case', () => {
    expect(pickTrace(ALL, SHARED_2)).toEqual({ kind: 'trace', trace: ALL.traces[1] });
    expect(pickTrace(ALL, SHARED_1.toUpperCase())).toEqual({ kind: 'trace', trace: ALL.traces[0] });
  });

  it('finds a 64-bit id given without its leading zeros', () => {
    expect(pickTrace(ALL, 'A3CE929D0E0E4736')).toEqual({ kind: 'trace', trace: ALL.traces[2] });
  });

  it('finds a trace by a unique prefix of four characters or more', () => {
    expect(pickTrace(ALL, '4bf92f357')).toEqual({ kind: 'trace', trace: ALL.traces[0] });
    expect(pickTrace(ALL, '0000')).toEqual({ kind: 'trace', trace: ALL.traces[2] });
  });

  it('refuses a prefix shared by several traces with a UsageError saying how many', () => {
    const error = thrown(() => pickTrace(ALL, '4BF92F35'));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('trace id prefix 4bf92f35 matches 2 traces');
  });

  it('does not take a prefix shorter than four characters', () => {
    const error = thrown(() => pickTrace(loaded([trace(SHARED_1)]), '4bf'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe('trace 4bf not found in traces.json (1 trace(s))');
  });

  it('says an id is not there, counting the traces that were turned away too', () => {
    const error = thrown(() => pickTrace(loaded([trace(SHARED_1)], ['export.jsonl'], 4), 'ffff'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe('trace ffff not found in export.jsonl (5 trace(s))');
  });

  it('refuses an input with no spans at all', () => {
    const error = thrown(() => pickTrace(loaded([], ['m.jsonl', 'n.jsonl']), undefined));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe('2 inputs: no spans found');
    expect(() => pickTrace(loaded([]), SHARED_1)).toThrow('traces.json: no spans found');
  });

  it('says "not found" rather than "no spans" when only other traces were read', () => {
    expect(() => pickTrace(loaded([], ['x.jsonl'], 2), SHARED_1)).toThrow(
      `trace ${SHARED_1} not found in x.jsonl (2 trace(s))`,
    );
  });
});

describe('namedBy', () => {
  it('matches the whole id, the id without leading zeros, and prefixes of 4+ characters', () => {
    expect(namedBy(SHARED_1, SHARED_1)).toBe(true);
    expect(namedBy('a3ce929d0e0e4736', PADDED)).toBe(true);
    expect(namedBy('4bf9', SHARED_1)).toBe(true);
    expect(namedBy('4bf', SHARED_1)).toBe(false);
    expect(namedBy('4bf8', SHARED_1)).toBe(false);
    // A suffix is no prefix.
    expect(namedBy('4736', SHARED_1)).toBe(false);
  });

  it('a prefix as the file shows the id: a 64-bit one without its zeros, a 31-character one', () => {
    // Jaeger clients write 128-bit ids with a leading zero as 31 characters: otrace pads them.
    const written = 'bf92f3577b34da6a3ce929d0e0e4736';
    expect(written).toHaveLength(31);
    expect(namedBy('bf92f357', `0${written}`)).toBe(true);
    expect(namedBy('a3ce929d', PADDED)).toBe(true);
    expect(namedBy('0bf92f35', `0${written}`)).toBe(true);
    expect(namedBy('bf92f358', `0${written}`)).toBe(false);
  });
});
