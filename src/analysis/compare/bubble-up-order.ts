/**
 * The one order BubbleUp keeps things by when it cannot keep them all: by a hash of their text,
 * then by the text itself. Keeping the first k in this order (a bottom-k sample) keeps the same
 * k whatever order they arrive in, and whatever way they are split among workers: a key or value
 * that is not among the first k of what one reader saw is not among the first k of everything.
 */
export interface Ordered {
  readonly hash: number;
  readonly id: string;
}

export function comesBefore(a: Ordered, b: Ordered): boolean {
  return a.hash < b.hash || (a.hash === b.hash && a.id < b.id);
}

/** A 53-bit hash of a string: two multiplicative 32-bit hashes, mixed at the end. */
export function hashText(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x3c6ef372;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 15), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x27d4eb2f) ^ Math.imul(h1 ^ (h1 >>> 13), 0x165667b1);
  return (h2 >>> 0) * 2 ** 21 + ((h1 >>> 0) >>> 11);
}

/** Of many things, the `limit` that come first in the order, and whether any were left out. */
export function keepFirst<T extends Ordered>(
  items: readonly T[],
  limit: number,
): { kept: T[]; cut: boolean } {
  if (items.length <= limit) return { kept: [...items], cut: false };
  const sorted = [...items].sort((a, b) => (comesBefore(a, b) ? -1 : comesBefore(b, a) ? 1 : 0));
  return { kept: sorted.slice(0, limit), cut: true };
}
