import { AppError } from '../../shared/errors/app-error.ts';
import type { DocumentSource, RejectedRow } from '../ports/document-source.ts';
import type { EmbedderProvider } from '../embedding/embedder-provider.ts';
import { LEXICAL_EMBEDDER_ID } from '../embedding/lexical-embedder.ts';
import type { IndexPlan } from '../index/choose-index-kind.ts';
import { buildIndexVersion } from './build-index.ts';
import type { IndexRepository } from './index-repository.ts';
import { fitLexicalEmbedder } from '../embedding/lexical-embedder-state.ts';

export interface SyncSourceResult {
  version: string;
  /** False when the source was unchanged since the live version and nothing was built. */
  built: boolean;
  documents: number;
  rejected: RejectedRow[];
  ms: number;
}

/**
 * The indexing use case: read a source; if its snapshot differs from the one the latest
 * version was built from, fit the embedder, build a new version and save it (which moves the
 * `indexes/latest` pointer last). A version built by another embedder than the configured one is
 * rebuilt even when the source is unchanged. Invalid rows are reported, not fatal.
 */
export async function syncSource(options: {
  source: DocumentSource;
  repository: IndexRepository;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
  /** Which embedder builds new versions (default: the lexical one, fitted on the documents). */
  embedders?: Pick<EmbedderProvider, 'forBuild' | 'buildEmbedderId'> | undefined;
  /** Index plan for the build (default chooseIndexKind). */
  plan?: IndexPlan | ((count: number) => IndexPlan) | undefined;
  batchSize?: number | undefined;
}): Promise<SyncSourceResult> {
  const started = performance.now();
  const snapshot = await options.source.read();
  const latest = await options.repository.latestVersion();
  if (latest !== null) {
    const manifest = (await options.repository.listManifests()).find((candidate) => candidate.version === latest);
    const embedderId = options.embedders?.buildEmbedderId ?? LEXICAL_EMBEDDER_ID;
    if (manifest && manifest.source.name === snapshot.name && manifest.source.snapshot === snapshot.snapshot && manifest.embedder.id === embedderId) {
      return { version: latest, built: false, documents: manifest.count, rejected: snapshot.rejected, ms: performance.now() - started };
    }
  }
  if (snapshot.documents.length === 0) {
    throw new AppError('validation-failed', {
      detail: `Source ${snapshot.name} has no valid documents (${snapshot.rejected.length} rejected).`,
      extensions: { rejected: snapshot.rejected.slice(0, 50) },
    });
  }
  const embedder = options.embedders ? await options.embedders.forBuild(snapshot.documents) : fitLexicalEmbedder(snapshot.documents);
  const built = await buildIndexVersion({
    ...(options.plan ? { plan: options.plan } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    documents: snapshot.documents,
    embedder,
    sourceName: snapshot.name,
    snapshot: snapshot.snapshot,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const manifest = await options.repository.save(built);
  built.index.close();
  return { version: manifest.version, built: true, documents: manifest.count, rejected: snapshot.rejected, ms: performance.now() - started };
}
