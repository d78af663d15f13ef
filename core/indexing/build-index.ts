import type { Embedder } from '../ports/embedder.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { FaissFlatIndex } from '../index/faiss-flat-index.ts';
import { writeFlatIpBytes } from '../index/faiss-flat-bytes.ts';
import { documentEmbeddingText } from './document-text.ts';
import type { IndexManifest } from './index-manifest.ts';
import { sha256Hex } from './sha256.ts';

export interface BuildIndexOptions {
  documents: readonly KnowledgeDocument[];
  /** For the lexical embedder, fit it on the same documents first (see fitLexicalEmbedder). */
  embedder: Embedder;
  /** Where the documents came from, recorded in the manifest (e.g. 'seed', 'upload:2024-06'). */
  sourceName: string;
  /** Optional id of the source snapshot the documents were read from. */
  snapshot?: string | undefined;
  /** Texts per `embed` call (default 256). */
  batchSize?: number;
  now?: () => Date;
  /** Called after each batch, e.g. to report job progress. */
  onProgress?: (embedded: number, total: number) => void;
}

/** A built index version, ready to save with an IndexRepository. */
export interface BuiltIndex {
  manifest: IndexManifest;
  indexBytes: Uint8Array;
  documentsBytes: Uint8Array;
  index: FaissFlatIndex;
}

/**
 * Embeds every document (title + text) in batches and builds a flat inner-product index whose
 * label i is documents[i]. The version id is the first 16 hex characters of sha256 over the
 * embedder id, its modelHash, the document ids, the vector bytes and the documents table, so
 * identical inputs give the identical version and any change gives a new one. When the embedder
 * has a `toJSON()` (the lexical embedder), its state is stored in the manifest so queries can be
 * embedded identically later.
 */
export async function buildIndexVersion(options: BuildIndexOptions): Promise<BuiltIndex> {
  const { documents, embedder, sourceName, snapshot, batchSize = 256, now = () => new Date(), onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new AppError('validation-failed', { detail: `batchSize must be a positive integer, got ${batchSize}` });
  }
  assertUniqueIds(documents);
  const dimension = embedder.dimension;
  const vectors = new Float32Array(documents.length * dimension);
  for (let start = 0; start < documents.length; start += batchSize) {
    const batch = documents.slice(start, start + batchSize);
    const embedded = await embedder.embed(batch.map(documentEmbeddingText));
    if (embedded.length !== batch.length * dimension) {
      throw new AppError('internal', {
        detail: `embedder ${embedder.id} returned ${embedded.length} values for ${batch.length} texts of dimension ${dimension}`,
      });
    }
    vectors.set(embedded, start * dimension);
    onProgress?.(start + batch.length, documents.length);
  }

  const table = documents.map(({ id, title, text, url }) => (url === undefined ? { id, title, text } : { id, title, text, url }));
  const documentsBytes = new TextEncoder().encode(JSON.stringify(table));
  const indexBytes = writeFlatIpBytes(vectors, dimension);
  const index = FaissFlatIndex.fromBytes(indexBytes);
  const documentsChecksum = sha256Hex(documentsBytes);
  const vectorBytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  const version = sha256Hex(embedder.id, '\n', embedder.modelHash, '\n', documents.map((document) => document.id).join('\n'), '\n', vectorBytes, documentsChecksum).slice(0, 16);
  const state = embedderState(embedder);

  const manifest: IndexManifest = {
    version,
    count: documents.length,
    dimension,
    embedder: state === undefined ? { id: embedder.id, modelHash: embedder.modelHash } : { id: embedder.id, modelHash: embedder.modelHash, state },
    index: { kind: 'Flat', params: {} },
    created: now().toISOString(),
    source: snapshot === undefined ? { name: sourceName, documents: documents.length } : { name: sourceName, documents: documents.length, snapshot },
    checksums: { index: sha256Hex(indexBytes), documents: documentsChecksum },
  };
  return { manifest, indexBytes, documentsBytes, index };
}

function assertUniqueIds(documents: readonly KnowledgeDocument[]): void {
  const seen = new Set<string>();
  for (const document of documents) {
    if (document.id.length === 0) throw new AppError('validation-failed', { detail: 'a document has an empty id' });
    if (seen.has(document.id)) throw new AppError('validation-failed', { detail: `duplicate document id "${document.id}"` });
    seen.add(document.id);
  }
}

function embedderState(embedder: Embedder): unknown {
  const candidate = embedder as Embedder & { toJSON?: unknown };
  return typeof candidate.toJSON === 'function' ? (candidate.toJSON as () => unknown).call(embedder) : undefined;
}
