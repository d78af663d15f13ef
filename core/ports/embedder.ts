/** Turns text into L2-normalised vectors of a fixed dimension. */
export interface Embedder {
  /** e.g. 'lexical-hash-v1' or 'onnx:all-MiniLM-L6-v2'. Recorded in every index manifest. */
  readonly id: string;
  /** A hash identifying the exact model/parameters (vocabulary, weights, IDF table...). */
  readonly modelHash: string;
  readonly dimension: number;
  /** Embeds texts in order; returns one row per text, row-major (texts.length × dimension). */
  embed(texts: readonly string[]): Promise<Float32Array>;
}
