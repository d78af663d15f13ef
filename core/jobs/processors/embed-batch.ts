import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AppError } from '../../../shared/errors/app-error.ts';
import { documentEmbeddingText } from '../../embedding/document-text.ts';
import type { Embedder } from '../../ports/embedder.ts';
import type { ProcessorContext } from '../../ports/job-workers.ts';
import { JobPayloadSchemas } from '../../../shared/contracts/jobs.ts';
import type { VectorReuse } from '../run-store.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';

export interface EmbedBatchResult {
  run: string;
  batch: number;
  count: number;
  embedded: number;
  reused: number;
  /** sha256 of the stored vector bytes. */
  checksum: string;
}

/**
 * What an embed-batch job reports after each embedded chunk (the live feed's `job.progress`
 * payload, and the job's progress in the API): which batch of how many, its size, and how many
 * of its documents are embedded so far (`toEmbed` = documents - `reused`).
 */
export type EmbedBatchProgress = {
  run: string;
  /** 0-based batch number. */
  batch: number;
  /** Batches in the run. */
  batches: number;
  /** Documents in this batch. */
  documents: number;
  embedded: number;
  toEmbed: number;
  reused: number;
};

/**
 * Embeds one batch of a run and writes its vectors to `batches/<run>/<n>` in one put, so a retry
 * overwrites the same object (never appends): no duplicate vectors whatever fails. Rows whose text
 * was embedded by the same embedder in the previous run are copied from there instead. Embedding
 * goes in chunks with a yield to the event loop between them, so the worker's lock renewal and
 * the HTTP server (in-process runner) keep running.
 */
export function createEmbedBatchProcessor(deps: ProcessorDependencies) {
  // Restoring the lexical embedder parses its IDF table; keep the last runs' embedders.
  const embedders = new Map<string, Promise<Embedder>>();
  const embedderFor = (run: string): Promise<Embedder> => {
    let embedder = embedders.get(run);
    if (!embedder) {
      embedder = deps.runs.requireEmbedder(run).then((descriptor) => deps.embedders.restore(descriptor));
      embedder.catch(() => embedders.delete(run));
      embedders.set(run, embedder);
      for (const key of [...embedders.keys()].slice(0, -2)) embedders.delete(key);
    }
    return embedder;
  };

  return async (context: ProcessorContext<'embed-batch'>): Promise<EmbedBatchResult> => {
    const { run, batch } = JobPayloadSchemas['embed-batch'].parse(context.data);
    const descriptor = await deps.runs.requireRun(run);
    const input = await deps.runs.requireBatchInput(run, batch);
    const { dimension } = descriptor;
    const rows = input.documents.length;
    const vectors = new Float32Array(rows * dimension);

    const missing = new Set<number>(Array.from({ length: rows }, (_, row) => row));
    for (const [source, entries] of groupBySourceBatch(input.reuse)) {
      const stored = await readSourceBatch(deps, source, dimension);
      if (stored === null) continue; // cleaned up meanwhile: embed those rows instead
      for (const { row, from } of entries) {
        vectors.set(stored.subarray(from * dimension, (from + 1) * dimension), row * dimension);
        missing.delete(row);
      }
    }
    const reused = rows - missing.size;

    const toEmbed = [...missing];
    if (toEmbed.length > 0) {
      const embedder = await embedderFor(run);
      if (embedder.modelHash !== descriptor.embedder.modelHash || embedder.dimension !== dimension) {
        throw new AppError('index-mismatch', { detail: `embedder restored for run ${run} does not match the run` });
      }
      for (let start = 0; start < toEmbed.length; start += deps.embedChunkSize) {
        const chunk = toEmbed.slice(start, start + deps.embedChunkSize);
        const embedded = await embedder.embed(chunk.map((row) => documentEmbeddingText(input.documents[row]!)));
        if (embedded.length !== chunk.length * dimension) {
          throw new AppError('internal', { detail: `embedder returned ${embedded.length} values for ${chunk.length} texts of dimension ${dimension}` });
        }
        chunk.forEach((row, index) => vectors.set(embedded.subarray(index * dimension, (index + 1) * dimension), row * dimension));
        const progress: EmbedBatchProgress = {
          run,
          batch,
          batches: descriptor.batches,
          documents: rows,
          embedded: Math.min(start + chunk.length, toEmbed.length),
          toEmbed: toEmbed.length,
          reused,
        };
        await context.progress(progress);
        await yieldToEventLoop();
      }
    }
    const checksum = await deps.runs.writeVectors(run, batch, vectors);
    return { run, batch, count: rows, embedded: toEmbed.length, reused, checksum };
  };
}

function groupBySourceBatch(reuse: readonly (VectorReuse | null)[]): Map<string, { row: number; from: number }[]> {
  const groups = new Map<string, { row: number; from: number }[]>();
  reuse.forEach((entry, row) => {
    if (entry === null) return;
    const key = `${entry.run}/${entry.batch}`;
    const list = groups.get(key) ?? [];
    list.push({ row, from: entry.row });
    groups.set(key, list);
  });
  return groups;
}

async function readSourceBatch(deps: ProcessorDependencies, key: string, dimension: number): Promise<Float32Array | null> {
  const [run, batchText] = key.split('/') as [string, string];
  const batch = Number(batchText);
  const source = await deps.runs.readRun(run);
  if (!source || source.dimension !== dimension) return null;
  const rows = Math.min(source.batchSize, source.documents - batch * source.batchSize);
  return deps.runs.readVectors(run, batch, rows, dimension).catch((error: unknown) => {
    deps.logger.warn({ err: error, run, batch }, 'stored vectors unreadable; embedding those documents again');
    return null;
  });
}
