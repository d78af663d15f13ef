import { AppError } from '../../../shared/errors/app-error.ts';
import { buildIndexVersion } from '../../indexing/build-index.ts';
import type { KnowledgeDocument } from '../../ports/document.ts';
import type { ProcessorContext } from '../../ports/job-workers.ts';
import { JobPayloadSchemas } from '../../../shared/contracts/jobs.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';

export interface BuildIndexResult {
  run: string;
  version: string;
  /** The version `indexes/latest` pointed at before this build. */
  previous: string | null;
  count: number;
}

/**
 * Runs after every embed-batch child of the run completed: reads the batches in order, checks
 * each holds exactly its documents' vectors, and builds the version with every vector
 * precomputed (the embedder is not called), then saves it through the IndexRepository.
 * The same run always builds the same version id, so a retry rewrites identical files.
 */
export function createBuildIndexProcessor(deps: ProcessorDependencies) {
  return async (context: ProcessorContext<'build-index'>): Promise<BuildIndexResult> => {
    const { run } = JobPayloadSchemas['build-index'].parse(context.data);
    const descriptor = await deps.runs.requireRun(run);
    const embedder = await deps.embedders.restore(await deps.runs.requireEmbedder(run));
    const { dimension } = descriptor;
    const documents: KnowledgeDocument[] = [];
    const vectors = new Float32Array(descriptor.documents * dimension);
    for (let batch = 0; batch < descriptor.batches; batch++) {
      const input = await deps.runs.requireBatchInput(run, batch);
      const stored = await deps.runs.readVectors(run, batch, input.documents.length, dimension);
      if (stored === null) throw new AppError('internal', { detail: `batch ${batch} of run ${run} has not been embedded` });
      vectors.set(stored, documents.length * dimension);
      documents.push(...input.documents);
      await context.progress({ run, stage: 'read', batches: batch + 1, of: descriptor.batches });
    }
    if (documents.length !== descriptor.documents) {
      throw new AppError('internal', { detail: `run ${run} has ${documents.length} documents in its batches, expected ${descriptor.documents}` });
    }
    const previous = await deps.repository.latestVersion();
    const built = await buildIndexVersion({
      documents,
      embedder,
      sourceName: descriptor.source.name,
      snapshot: descriptor.source.snapshot,
      now: deps.now,
      ...(deps.plan ? { plan: deps.plan } : {}),
      precomputed: (row) => vectors.subarray(row * dimension, (row + 1) * dimension),
    });
    // The publish step moves indexes/latest, after everything it points to is stored.
    const manifest = await deps.repository.save(built, { setLatest: false });
    built.index.close();
    await deps.runs.writeResult(run, { version: manifest.version, previous: previous === manifest.version ? null : previous }, deps.now());
    await deps.runs.writeCachePointer({ run, embedder: descriptor.embedder });
    await context.progress({ run, stage: 'saved', version: manifest.version });
    return { run, version: manifest.version, previous: previous === manifest.version ? null : previous, count: manifest.count };
  };
}
