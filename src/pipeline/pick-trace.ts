import { SourceError, UsageError } from '../errors.js';
import type { Trace } from '../model/types.js';
import type { LoadedInput } from './inputs.js';

/**
 * The trace asked for, by id or unique prefix, or the only one; `several` when no id was given
 * and the input holds more than one (the command lists them). Errors for none, an ambiguous
 * prefix, and an id not there.
 */
export function pickTrace(
  loaded: LoadedInput,
  wanted: string | undefined,
): { kind: 'trace'; trace: Trace } | { kind: 'several'; traces: readonly Trace[]; where: string } {
  const { traces, inputNames: inputs, otherTraces } = loaded;
  const where = inputs.length === 1 ? inputs[0]! : `${inputs.length} inputs`;
  if (traces.length === 0 && otherTraces === 0) {
    throw new SourceError(
      `${where}: no spans found`,
      'the input holds no trace data (metrics or logs only?)',
    );
  }
  if (wanted === undefined)
    return traces.length === 1 ? { kind: 'trace', trace: traces[0]! } : { kind: 'several', traces, where };
  const id = wanted.toLowerCase();
  const exact = traces.find((t) => t.traceId === id || t.traceId === id.padStart(32, '0'));
  if (exact) return { kind: 'trace', trace: exact };
  const matches = traces.filter((t) => namedBy(id, t.traceId));
  if (matches.length === 1) return { kind: 'trace', trace: matches[0]! };
  if (matches.length > 1) {
    throw new UsageError(
      `trace id prefix ${id} matches ${matches.length} traces`,
      'give more characters of the id',
    );
  }
  throw new SourceError(
    `trace ${id} not found in ${where} (${traces.length + otherTraces} trace(s))`,
    'list them with: otrace list -f …',
  );
}

/** The trace id `wanted` (lowercase) names: the whole id, padded or not, or a prefix of 4+ chars. */
export function namedBy(wanted: string, traceId: string): boolean {
  return (
    traceId === wanted ||
    traceId === wanted.padStart(32, '0') ||
    (wanted.length >= 4 && (traceId.startsWith(wanted) || withoutLeadingZeros(traceId).startsWith(wanted)))
  );
}

/**
 * The id as the file may show it: a 64-bit id without its 16 zeros, or a 31-character one (some
 * Jaeger clients drop the leading zero), so that the prefix a user copies from it still names it.
 */
function withoutLeadingZeros(traceId: string): string {
  let i = 0;
  while (i < traceId.length - 1 && traceId[i] === '0') i++;
  return traceId.slice(i);
}
