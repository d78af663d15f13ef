import { z } from 'zod';
import type { ObjectStore } from '../ports/object-store.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { sha256Hex } from '../indexing/sha256.ts';

/**
 * The object-store layout of indexing runs (one run = one source snapshot embedded by one embedder):
 *
 * - `batches/<run>/run.json`              what the run is: source, embedder, batch list (written last by ingest)
 * - `batches/<run>/embedder.json`         the embedder descriptor (id, modelHash, serialised state)
 * - `batches/<run>/hashes.json`           content hashes of every document, per batch (the reuse lookup)
 * - `batches/<run>/<n>.documents.json`    input of batch n: documents, content hashes, vectors to reuse
 * - `batches/<run>/<n>`                   output of batch n: float32 vectors, row-major (written by embed-batch)
 * - `batches/<run>/result.json`           the version the run built (written by build-index)
 * - `batches/cache.json`                  the run whose vectors the next ingest may reuse (the content-hash → vector cache)
 */
const ROOT = 'batches/';
const CACHE_KEY = `${ROOT}cache.json`;

export const EmbedderDescriptorSchema = z.object({ id: z.string().min(1), modelHash: z.string().min(1), state: z.unknown().optional() });
export type EmbedderDescriptor = z.infer<typeof EmbedderDescriptorSchema>;

const ReuseSchema = z.object({ run: z.string(), batch: z.number().int().nonnegative(), row: z.number().int().nonnegative() });
export type VectorReuse = z.infer<typeof ReuseSchema>;

export const BatchInputSchema = z.object({
  documents: z.array(z.object({ id: z.string(), title: z.string(), text: z.string(), url: z.string().optional(), tags: z.array(z.string()).optional() })),
  /** sha256 of each document's embedding text (title + text). */
  hashes: z.array(z.string()),
  /** Per row: where an identical text's vector already is (same embedder), or null to embed. */
  reuse: z.array(ReuseSchema.nullable()),
});
export type BatchInput = z.infer<typeof BatchInputSchema>;

export const RunDescriptorSchema = z.object({
  run: z.string(),
  source: z.object({ name: z.string(), snapshot: z.string() }),
  embedder: z.object({ id: z.string(), modelHash: z.string() }),
  dimension: z.number().int().positive(),
  documents: z.number().int().nonnegative(),
  batchSize: z.number().int().positive(),
  batches: z.number().int().nonnegative(),
  /** Documents whose vectors come from an earlier run. */
  reused: z.number().int().nonnegative(),
  created: z.iso.datetime(),
});
export type RunDescriptor = z.infer<typeof RunDescriptorSchema>;

const RunResultSchema = z.object({ version: z.string(), previous: z.string().nullable(), built: z.iso.datetime() });
const CachePointerSchema = z.object({ run: z.string(), embedder: z.object({ id: z.string(), modelHash: z.string() }) });
export type CachePointer = z.infer<typeof CachePointerSchema>;

/** Typed access to the run layout above. */
export function createRunStore(store: ObjectStore) {
  const key = (run: string, name: string) => `${ROOT}${run}/${name}`;

  async function readJson<T>(objectKey: string, schema: z.ZodType<T>): Promise<T | null> {
    const bytes = await store.get(objectKey);
    if (bytes === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new AppError('internal', { detail: `${objectKey} is not valid JSON`, cause: error });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AppError('internal', { detail: `${objectKey} is invalid: ${parsed.error.message}` });
    return parsed.data;
  }
  const writeJson = (objectKey: string, value: unknown) =>
    store.put(objectKey, new TextEncoder().encode(JSON.stringify(value)), { contentType: 'application/json' });

  async function required<T>(objectKey: string, schema: z.ZodType<T>): Promise<T> {
    const value = await readJson(objectKey, schema);
    if (value === null) throw new AppError('not-found', { detail: `${objectKey} does not exist` });
    return value;
  }

  return {
    readRun: (run: string) => readJson(key(run, 'run.json'), RunDescriptorSchema),
    requireRun: (run: string) => required(key(run, 'run.json'), RunDescriptorSchema),
    writeRun: (descriptor: RunDescriptor) => writeJson(key(descriptor.run, 'run.json'), descriptor),
    requireEmbedder: (run: string) => required(key(run, 'embedder.json'), EmbedderDescriptorSchema),
    writeEmbedder: (run: string, descriptor: EmbedderDescriptor) => writeJson(key(run, 'embedder.json'), descriptor),
    requireBatchInput: (run: string, batch: number) => required(key(run, `${batch}.documents.json`), BatchInputSchema),
    readBatchInput: (run: string, batch: number) => readJson(key(run, `${batch}.documents.json`), BatchInputSchema),
    writeBatchInput: (run: string, batch: number, input: BatchInput) => writeJson(key(run, `${batch}.documents.json`), input),

    /** Vectors of batch n; null when not embedded yet. Checks the byte length against rows × dimension. */
    async readVectors(run: string, batch: number, rows: number, dimension: number): Promise<Float32Array | null> {
      const bytes = await store.get(key(run, String(batch)));
      if (bytes === null) return null;
      if (bytes.byteLength !== rows * dimension * 4) {
        throw new AppError('internal', { detail: `batch ${run}/${batch} holds ${bytes.byteLength} bytes, expected ${rows}×${dimension} float32` });
      }
      // Copy into an aligned buffer: stored bytes may start at any offset.
      return new Float32Array(bytes.slice().buffer);
    },
    /** Overwrites batch n with the same vectors on a retry: writes are idempotent, never appended. */
    async writeVectors(run: string, batch: number, vectors: Float32Array): Promise<string> {
      const bytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
      await store.put(key(run, String(batch)), bytes, { contentType: 'application/octet-stream' });
      return sha256Hex(bytes);
    },
    readHashes: (run: string) => readJson(key(run, 'hashes.json'), z.array(z.array(z.string()))),
    writeHashes: (run: string, hashes: string[][]) => writeJson(key(run, 'hashes.json'), hashes),
    readResult: (run: string) => readJson(key(run, 'result.json'), RunResultSchema),
    writeResult: (run: string, result: { version: string; previous: string | null }, now: Date) =>
      writeJson(key(run, 'result.json'), { ...result, built: now.toISOString() }),
    readCachePointer: () => readJson(CACHE_KEY, CachePointerSchema),
    writeCachePointer: (pointer: CachePointer) => writeJson(CACHE_KEY, pointer),

    /** Run ids that have objects in the store. */
    async listRuns(): Promise<string[]> {
      const runs = new Set<string>();
      for (const objectKey of await store.list(ROOT)) {
        const match = /^batches\/([^/]+)\//.exec(objectKey);
        if (match?.[1]) runs.add(match[1]);
      }
      return [...runs];
    },
    /** Deletes every object of a run. */
    async deleteRun(run: string): Promise<number> {
      const keys = await store.list(`${ROOT}${run}/`);
      for (const objectKey of keys) await store.delete(objectKey);
      return keys.length;
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
