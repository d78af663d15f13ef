import { AppError } from '../../shared/errors/app-error.ts';
import { documentEmbeddingText } from '../embedding/document-text.ts';
import { writeFlatIpBytes } from '../index/faiss-flat-bytes.ts';
import { encodeDocumentTable } from '../indexing/document-table-bytes.ts';
import { sha256Hex } from '../indexing/sha256.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import type { Embedder } from '../ports/embedder.ts';
import { encodeBm25Postings } from '../retrieval/bm25-postings.ts';
import { Bm25Retriever } from '../retrieval/bm25-retriever.ts';
import type { SegmentChain } from './segment-chain.ts';
import { lengthNormsOf } from './segment.ts';
import { segmentedVersionId, type DeltaManifest, type SegmentedVersion, type Tombstone } from './segment-manifest.ts';

/** A change to the corpus: documents added or replaced (by id), and ids removed. */
export interface ChangeSet {
  upserts: readonly KnowledgeDocument[];
  deletes: readonly string[];
}

/** A delta ready to store ({@link saveDelta}) and the version manifest that publishes it. */
export interface BuiltDelta {
  manifest: DeltaManifest;
  files: {
    /** Absent when the delta adds no documents. */
    documents?: Uint8Array | undefined;
    index?: Uint8Array | undefined;
    bm25?: Uint8Array | undefined;
    tombstones: Uint8Array;
  };
  version: SegmentedVersion;
  /** Deleted ids that no live row of the chain holds (already gone): nothing to do for them. */
  unknownDeletes: string[];
}

export interface BuildDeltaOptions {
  chain: SegmentChain;
  changes: ChangeSet;
  /** The chain's embedder (the base's id and model hash; for the lexical embedder, its IDF table). */
  embedder: Embedder;
  now?: () => Date;
}

/**
 * Builds the delta segment for a change set on top of a loaded chain: the upserted documents'
 * own documents table, Flat vectors and BM25 postings (length norms against the base's average
 * length), and a tombstone for every live row an upsert replaces or a delete removes. Costs what
 * the change is: the embedder sees only the upserted documents. AppError 'validation-failed' for
 * an empty change, a duplicate or empty id, an id both upserted and deleted; 'index-mismatch' for
 * an embedder other than the base's.
 */
export async function buildDelta(options: BuildDeltaOptions): Promise<BuiltDelta> {
  const { chain, changes, embedder, now = () => new Date() } = options;
  const baseManifest = chain.base.loaded.manifest;
  if (embedder.id !== baseManifest.embedder.id || embedder.modelHash !== baseManifest.embedder.modelHash) {
    throw new AppError('index-mismatch', {
      detail: `version ${chain.version} needs embedder ${baseManifest.embedder.id}@${baseManifest.embedder.modelHash}, got ${embedder.id}@${embedder.modelHash}`,
    });
  }
  const upserted = new Set<string>();
  for (const document of changes.upserts) {
    if (document.id.length === 0) throw invalid('a document has an empty id');
    if (upserted.has(document.id)) throw invalid(`document "${document.id}" is upserted twice`);
    upserted.add(document.id);
  }
  for (const id of changes.deletes) if (upserted.has(id)) throw invalid(`document "${id}" is both upserted and deleted`);

  const tombstones: Tombstone[] = [];
  const hide = (id: string) => {
    const label = chain.liveLabelOf(id);
    if (label === undefined) return false;
    const { segment, local } = chain.locate(label);
    tombstones.push({ segment: chain.segments[segment]!.id, label: local, id });
    return true;
  };
  for (const document of changes.upserts) hide(document.id);
  const unknownDeletes = [...new Set(changes.deletes)].filter((id) => !hide(id));
  if (changes.upserts.length === 0 && tombstones.length === 0) throw invalid('the change set changes nothing');

  const documents = changes.upserts.map(({ id, title, text, url }) => (url === undefined ? { id, title, text } : { id, title, text, url }));
  const { k1, b, titleBoost } = chain.base.postings;
  const averageLength = chain.averageLength;
  let files: BuiltDelta['files'] = { tombstones: new TextEncoder().encode(JSON.stringify({ tombstones })) };
  if (documents.length > 0) {
    const dimension = baseManifest.dimension;
    const vectors = await embedder.embed(documents.map(documentEmbeddingText));
    if (vectors.length !== documents.length * dimension) {
      throw new AppError('internal', { detail: `embedder ${embedder.id} returned ${vectors.length} values for ${documents.length} texts of dimension ${dimension}` });
    }
    const postings = Bm25Retriever.build(documents, { k1, b, titleBoost }).toPostings();
    const bm25 = encodeBm25Postings({ ...postings, lengthNorms: lengthNormsOf(postings, averageLength) });
    files = { ...files, documents: encodeDocumentTable(documents), index: writeFlatIpBytes(vectors, dimension), bm25 };
  }
  const checksums = {
    ...(files.index ? { index: sha256Hex(files.index) } : {}),
    ...(files.documents ? { documents: sha256Hex(files.documents) } : {}),
    ...(files.bm25 ? { bm25: sha256Hex(files.bm25) } : {}),
    tombstones: sha256Hex(files.tombstones),
  };
  const id = sha256Hex('delta\n', chain.version, '\n', JSON.stringify(checksums)).slice(0, 16);
  const created = now().toISOString();
  const manifest: DeltaManifest = {
    id,
    parent: chain.version,
    base: chain.base.id,
    count: documents.length,
    tombstones: tombstones.length,
    dimension: baseManifest.dimension,
    embedder: { id: embedder.id, modelHash: embedder.modelHash },
    bm25: { k1, b, titleBoost, averageLength },
    created,
    checksums,
  };
  const deltas = [...chain.deltas.map((delta) => delta.id), id];
  const { index, documents: documentsChecksum, bm25: bm25Checksum, embedder: embedderChecksum } = baseManifest.checksums;
  const version: SegmentedVersion = {
    version: segmentedVersionId(chain.base.id, deltas),
    base: {
      version: chain.base.id,
      checksums: { index, documents: documentsChecksum, ...(bm25Checksum ? { bm25: bm25Checksum } : {}), ...(embedderChecksum ? { embedder: embedderChecksum } : {}) },
    },
    deltas,
    parent: chain.version,
    documents: chain.liveCount - tombstones.length + documents.length,
    created,
  };
  return { manifest, files, version, unknownDeletes };
}

function invalid(detail: string): AppError {
  return new AppError('validation-failed', { detail });
}
