/** Term → term id lookup of an inverted index (or of any table keyed by term). */
export interface TermDictionary {
  readonly size: number;
  get(term: string): number | undefined;
  termAt(id: number): string;
}

/**
 * Terms as one UTF-8 blob sorted by bytes, with offsets (term t is blob[offsets[t] ..
 * offsets[t + 1])), as binary files store them: a lookup is a binary search (≈ 17 byte
 * comparisons at 100k terms), and loading decodes no string. Term ids are positions in that order.
 */
export class SortedTermDictionary implements TermDictionary {
  readonly #blob: Buffer;
  readonly #offsets: Uint32Array;

  constructor(blob: Buffer, offsets: Uint32Array) {
    this.#blob = blob;
    this.#offsets = offsets;
  }

  get size(): number {
    return this.#offsets.length - 1;
  }

  get(term: string): number | undefined {
    const wanted = Buffer.from(term, 'utf8');
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.#blob.compare(wanted, 0, wanted.length, this.#offsets[middle]!, this.#offsets[middle + 1]!);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  termAt(id: number): string {
    return this.#blob.toString('utf8', this.#offsets[id]!, this.#offsets[id + 1]!);
  }
}

/**
 * Terms encoded and sorted by their UTF-8 bytes, for a writer: `order[t]` is the index in
 * `terms` of the t-th term, `blob`/`offsets` as {@link SortedTermDictionary} reads them.
 */
export function sortTermsByBytes(terms: readonly string[]): { order: number[]; blob: Buffer; offsets: Uint32Array } {
  const encoded = terms.map((term) => Buffer.from(term, 'utf8'));
  const order = terms.map((_, t) => t).sort((a, b) => Buffer.compare(encoded[a]!, encoded[b]!));
  const offsets = new Uint32Array(terms.length + 1);
  order.forEach((source, t) => (offsets[t + 1] = offsets[t]! + encoded[source]!.length));
  return { order, blob: Buffer.concat(order.map((source) => encoded[source]!)), offsets };
}

/**
 * The first term that is not strictly after the one before it in byte order (so a binary search
 * could miss it), or -1 when the terms are sorted and distinct. Offsets are assumed in order and
 * in bounds. A byte loop in JavaScript: about 2 ms for 100k short terms.
 */
export function firstUnsortedTerm(blob: Uint8Array, offsets: Uint32Array): number {
  for (let t = 1; t < offsets.length - 1; t++) {
    let a = offsets[t - 1]!;
    const aEnd = offsets[t]!;
    let b = aEnd;
    const bEnd = offsets[t + 1]!;
    while (a < aEnd && b < bEnd && blob[a] === blob[b]) {
      a++;
      b++;
    }
    // Sorted when the earlier term ran out first (a proper prefix) or differs by a smaller byte.
    const sorted = a === aEnd ? b < bEnd : b < bEnd && blob[a]! < blob[b]!;
    if (!sorted) return t;
  }
  return -1;
}
