/**
 * A bounded sample: of every item offered, the k with the smallest (hash, values), where each
 * item is a 32-bit hash of who it belongs to (sample-hash.ts) and a fixed number of values.
 *
 *   offered   (h=91, 12ms) (h=7, 30ms) (h=55, 9ms) (h=3, 14ms)     k = 2
 *   kept      (h=3, 14ms) (h=7, 30ms)                              whatever the order offered
 *
 * The hash does not depend on the values, so the items kept are a uniform sample of those
 * offered. The k smallest of a union are the k smallest of each part's k smallest: two samples
 * merge into the sample of everything, and the order items came in changes nothing. Ties on the
 * hash are broken by the values; items equal in both are the same item, whichever is kept.
 *
 * A max-heap on parallel arrays: the largest item kept is at the top, the one to replace.
 */
export class BottomK {
  readonly k: number;
  readonly width: number;
  readonly #hashes: number[] = [];
  /** `width` values per item, item after item, in heap order. */
  readonly #values: number[] = [];

  constructor(k: number, width: number) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`sample size must be a positive integer, got ${k}`);
    this.k = k;
    this.width = width;
  }

  get size(): number {
    return this.#hashes.length;
  }

  /** Offers one item: `first` and, for a sample two values wide, `second`. */
  offer(hash: number, first: number, second = 0): void {
    const size = this.#hashes.length;
    if (size < this.k) {
      this.#hashes.push(hash);
      this.#values.push(first);
      if (this.width === 2) this.#values.push(second);
      this.#siftUp(size);
      return;
    }
    // Full: most items are larger than the largest kept, and are turned away on the hash alone.
    const top = this.#hashes[0]!;
    if (hash > top || (hash === top && !this.#valuesBelowTop(first, second))) return;
    this.#hashes[0] = hash;
    this.#values[0] = first;
    if (this.width === 2) this.#values[1] = second;
    this.#siftDown(0);
  }

  /** Offers every item of another sample. */
  merge(other: BottomK): void {
    const items = other.items();
    for (let i = 0; i < items.hashes.length; i++)
      this.offer(items.hashes[i]!, items.values[i * other.width]!, items.values[i * other.width + 1]);
  }

  /** The items kept, smallest first: one canonical form whatever the heap's shape. */
  items(): { hashes: number[]; values: number[] } {
    const order = this.#hashes.map((_, i) => i).sort((a, b) => this.#compare(a, b));
    const hashes: number[] = [];
    const values: number[] = [];
    for (const i of order) {
      hashes.push(this.#hashes[i]!);
      for (let v = 0; v < this.width; v++) values.push(this.#values[i * this.width + v]!);
    }
    return { hashes, values };
  }

  /** The first value of every item kept, in no particular order. */
  firstValues(): number[] {
    if (this.width === 1) return [...this.#values];
    return this.#hashes.map((_, i) => this.#values[i * this.width]!);
  }

  #valuesBelowTop(first: number, second: number): boolean {
    const topFirst = this.#values[0]!;
    if (first !== topFirst) return first < topFirst;
    return this.width === 2 && second < this.#values[1]!;
  }

  /** Negative when item a comes before item b. */
  #compare(a: number, b: number): number {
    const ha = this.#hashes[a]!;
    const hb = this.#hashes[b]!;
    if (ha !== hb) return ha - hb;
    for (let v = 0; v < this.width; v++) {
      const va = this.#values[a * this.width + v]!;
      const vb = this.#values[b * this.width + v]!;
      if (va !== vb) return va - vb;
    }
    return 0;
  }

  #swap(a: number, b: number): void {
    const hashes = this.#hashes;
    [hashes[a], hashes[b]] = [hashes[b]!, hashes[a]!];
    const values = this.#values;
    for (let v = 0; v < this.width; v++) {
      const ia = a * this.width + v;
      const ib = b * this.width + v;
      [values[ia], values[ib]] = [values[ib]!, values[ia]!];
    }
  }

  #siftUp(start: number): void {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(i, parent) <= 0) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(start: number): void {
    const size = this.#hashes.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const larger = right < size && this.#compare(right, left) > 0 ? right : left;
      if (this.#compare(larger, i) <= 0) return;
      this.#swap(i, larger);
      i = larger;
    }
  }
}
