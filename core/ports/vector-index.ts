export interface VectorHit {
  /** Row number of the vector in the index (0-based, in insertion order). */
  label: number;
  /** Inner product (cosine for normalised vectors). */
  score: number;
}

/** A built, searchable vector index. */
export interface VectorIndex {
  readonly dimension: number;
  readonly size: number;
  /** e.g. 'Flat' (later 'IVF2048,Flat', 'HNSW32'...). */
  readonly kind: string;
  search(query: Float32Array, k: number): Promise<VectorHit[]>;
  /** FAISS serialization of the index. */
  toBytes(): Uint8Array;
  /** Releases native memory where possible. */
  close(): void;
}
