import { AppError } from '../../shared/errors/app-error.ts';
import type { DocumentSource, RejectedRow } from '../ports/document-source.ts';
import { buildIndexVersion } from './build-index.ts';
import type { IndexRepository } from './index-repository.ts';
import { fitLexicalEmbedder } from './lexical-embedder-state.ts';

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
 * `indexes/latest` pointer last). Invalid rows are reported, not fatal.
 */
export async function syncSource(options: {
  source: DocumentSource;
  repository: IndexRepository;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
}): Promise<SyncSourceResult> {
  const started = performance.now();
  const snapshot = await options.source.read();
  const latest = await options.repository.latestVersion();
  if (latest !== null) {
    const manifest = (await options.repository.listManifests()).find((candidate) => candidate.version === latest);
    if (manifest && manifest.source.name === snapshot.name && manifest.source.snapshot === snapshot.snapshot) {
      return { version: latest, built: false, documents: manifest.count, rejected: snapshot.rejected, ms: performance.now() - started };
    }
  }
  if (snapshot.documents.length === 0) {
    throw new AppError('validation-failed', {
      detail: `Source ${snapshot.name} has no valid documents (${snapshot.rejected.length} rejected).`,
      extensions: { rejected: snapshot.rejected.slice(0, 50) },
    });
  }
  const embedder = fitLexicalEmbedder(snapshot.documents);
  const built = await buildIndexVersion({
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
