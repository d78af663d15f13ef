import pino from 'pino';
import { chooseIndexKind } from '../../index/choose-index-kind.ts';
import { createIndexRepository } from '../../indexing/index-repository.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { lexicalBuildEmbedders, providerBuildEmbedders, type BuildEmbedders } from '../build-embedders.ts';
import { DEFAULT_JOB_SETTINGS } from '../job-settings.ts';
import type { ProcessorDependencies } from '../processors/processor-dependencies.ts';
import { createRunStore } from '../run-store.ts';
import { noSwapAnnouncer } from '../swap-announcer.ts';
import type { SandboxSpec } from './sandbox-spec.ts';

/**
 * The processor dependencies inside a sandbox process, rebuilt from its spec. Only what
 * embed-batch, build-index and the lexical fit use is real; sources, the swap announcer and
 * queue counts belong to the parent.
 */
export async function sandboxDependencies(spec: SandboxSpec): Promise<{ deps: ProcessorDependencies; close(): Promise<void> }> {
  const logger = pino({ name: 'apfa-job-sandbox', level: spec.logLevel ?? 'warn' }, pino.destination(2));
  const store = await storeFromSpec(spec.store);
  let close = async () => {};
  let embedders: BuildEmbedders;
  if (spec.embedders.kind === 'lexical') {
    embedders = lexicalBuildEmbedders({ refitFraction: spec.embedders.refitFraction });
  } else {
    const { createEmbedderProvider } = await import('../../embedding/embedder-provider.ts');
    const provider = await createEmbedderProvider({
      mode: spec.embedders.mode,
      modelDir: spec.embedders.modelDir,
      batchSize: spec.embedders.batchSize,
      intraOpThreads: spec.embedders.intraOpThreads,
    });
    close = () => provider.close();
    embedders = providerBuildEmbedders(provider, { refitFraction: spec.embedders.refitFraction });
  }
  const plan = spec.plan;
  const deps: ProcessorDependencies = {
    store,
    runs: createRunStore(store),
    repository: createIndexRepository(store),
    sources: () => undefined,
    embedders,
    announcer: noSwapAnnouncer,
    plan: (count) => chooseIndexKind(count, plan ?? {}),
    batchSize: DEFAULT_JOB_SETTINGS.batchSize,
    embedChunkSize: spec.embedChunkSize ?? DEFAULT_JOB_SETTINGS.embedChunkSize,
    attempts: DEFAULT_JOB_SETTINGS.attempts,
    backoffMs: DEFAULT_JOB_SETTINGS.backoffMs,
    keepVersions: DEFAULT_JOB_SETTINGS.keepVersions,
    runGraceMs: DEFAULT_JOB_SETTINGS.runGraceMs,
    queueCounts: async () => {
      throw new Error('queue counts are not available in a job sandbox');
    },
    now: () => new Date(),
    logger,
  };
  return { deps, close };
}

async function storeFromSpec(spec: SandboxSpec['store']): Promise<ObjectStore> {
  if (spec.kind === 'local-folder') {
    const { LocalFolderObjectStore } = await import('../../storage/local-folder-object-store.ts');
    return new LocalFolderObjectStore(spec.root);
  }
  const { createS3ObjectStore } = await import('../../storage/s3-object-store.ts');
  return createS3ObjectStore(spec.config);
}
