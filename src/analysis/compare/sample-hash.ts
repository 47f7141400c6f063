/**
 * 32-bit hashes that choose what a bounded sample keeps (bottom-k.ts). They must not depend on
 * the value sampled (a duration), only on who it belongs to (trace id, span id), so that keeping
 * the smallest hashes is a uniform random sample, and the same one on every machine.
 *
 * FNV-1a over the UTF-16 code units, then MurmurHash3's finaliser: FNV alone leaves ids that
 * differ in their last characters (generated ids, test ids) close together in the high bits.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The FNV state after a trace id: continued by `hashSpan` for each span, finished by `hashTrace`. */
export function startHash(traceId: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < traceId.length; i++) h = Math.imul(h ^ traceId.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash of a trace, from `startHash(traceId)`. */
export function hashTrace(state: number): number {
  return finish(state);
}

/** The hash of (trace id, span id), from `startHash(traceId)`. */
export function hashSpan(state: number, spanId: string): number {
  // A separator that no hex id holds, so that ("ab", "c") and ("a", "bc") differ.
  let h = Math.imul(state ^ 0x2f, FNV_PRIME);
  for (let i = 0; i < spanId.length; i++) h = Math.imul(h ^ spanId.charCodeAt(i), FNV_PRIME);
  return finish(h);
}

function finish(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
