import type { VectorIndex } from '../ports/vector-index.ts';

/** `index` with some of its operations replaced; its dimension, size and kind are read through. */
export function wrappedVectorIndex(index: VectorIndex, replaced: Partial<Pick<VectorIndex, 'search' | 'toBytes' | 'close'>>): VectorIndex {
  return {
    get dimension() {
      return index.dimension;
    },
    get size() {
      return index.size;
    },
    get kind() {
      return index.kind;
    },
    search: replaced.search ?? ((query, k) => index.search(query, k)),
    toBytes: replaced.toBytes ?? (() => index.toBytes()),
    close: replaced.close ?? (() => index.close()),
  };
}
