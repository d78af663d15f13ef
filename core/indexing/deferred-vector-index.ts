import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { IndexManifest } from './index-manifest.ts';

/**
 * A version's vector index loaded on its first search. A serving instance that ranks with BM25
 * alone never searches vectors, so its loads skip downloading, verifying and loading
 * `index.faiss` (at 100k × 384 dimensions, 150 MB and most of a load). Size, dimension and kind
 * come from the manifest; a failed load (missing file, checksum mismatch) rejects that search
 * and is retried by the next one.
 */
export class DeferredVectorIndex implements VectorIndex {
  readonly dimension: number;
  readonly size: number;
  readonly kind: string;
  readonly #load: () => Promise<VectorIndex>;
  #loading: Promise<VectorIndex> | null = null;
  #loaded: VectorIndex | null = null;
  #closed = false;

  constructor(manifest: IndexManifest, load: () => Promise<VectorIndex>) {
    this.dimension = manifest.dimension;
    this.size = manifest.count;
    this.kind = manifest.index.kind;
    this.#load = load;
  }

  /** Whether the vectors have been loaded (by a search). */
  get loaded(): boolean {
    return this.#loaded !== null;
  }

  async search(query: Float32Array, k: number): Promise<VectorHit[]> {
    return (await this.#index()).search(query, k);
  }

  toBytes(): Uint8Array {
    if (this.#loaded === null) throw new AppError('internal', { detail: 'the vector index is not loaded yet (it loads on its first search)' });
    return this.#loaded.toBytes();
  }

  close(): void {
    this.#closed = true;
    this.#loaded?.close();
    this.#loaded = null;
  }

  #index(): Promise<VectorIndex> {
    if (this.#closed) return Promise.reject(new AppError('internal', { detail: 'the vector index is closed' }));
    this.#loading ??= this.#load().then(
      (index) => {
        if (this.#closed) {
          index.close();
          throw new AppError('internal', { detail: 'the vector index is closed' });
        }
        this.#loaded = index;
        return index;
      },
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }
}
