import type { Embedder } from '../ports/embedder.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import { buildIndex } from '../index/build-index.ts';
import { buildIndexByRecall } from '../index/choose-index-by-recall.ts';
import { chooseIndexKind, describePlan, type IndexPlan } from '../index/choose-index-kind.ts';
import { BM25_STATE_ID, Bm25Retriever } from '../retrieval/bm25-retriever.ts';
import { documentEmbeddingText } from '../embedding/document-text.ts';
import type { IndexManifest } from './index-manifest.ts';
import { sha256Hex } from './sha256.ts';
import { encodeDocumentTable } from './document-table-bytes.ts';
import { encodeBm25Postings } from '../retrieval/bm25-postings.ts';
import { LEXICAL_EMBEDDER_ID, type LexicalEmbedderState } from '../embedding/lexical-embedder.ts';
import { encodeLexicalState } from '../embedding/lexical-embedder-bytes.ts';

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
  /**
   * Which FAISS index to build. A plan object is built as given. A function (or by default
   * chooseIndexKind(count): IVF from 25k vectors) proposes a candidate, and an IVF candidate is kept
   * only when its recall@10 against exact search on a held-out sample reaches `minimumRecall`
   * (buildIndexByRecall); otherwise the version gets Flat. The manifest records the measurement.
   */
  plan?: IndexPlan | ((count: number) => IndexPlan);
  /** Recall@10 an IVF candidate must measure to be kept (default 0.99). */
  minimumRecall?: number;
  /** Also build and store the BM25 inverted index (default true). */
  lexical?: boolean;
  /**
   * Vectors already computed for some documents (e.g. unchanged since the last build), row-major,
   * one row per document in `documents` order, or undefined rows to embed. Used by incremental ingest.
   */
  precomputed?: (documentIndex: number) => Float32Array | undefined;
  /**
   * How the documents table, BM25 state and embedder state are written: 'binary-v2' (default;
   * loads without parsing or deriving anything), or the earlier 'binary-v1' and 'json' layouts
   * (for compatibility tests and benchmarks).
   */
  layout?: 'binary-v2' | 'binary-v1' | 'json';
}

/** A built index version, ready to save with an IndexRepository. */
export interface BuiltIndex {
  manifest: IndexManifest;
  indexBytes: Uint8Array;
  /** The documents table in the manifest's layout. */
  documentsBytes: Uint8Array;
  /** Serialised BM25 state in the manifest's layout (JSON or binary postings), when built. */
  bm25Bytes?: Uint8Array | undefined;
  /**
   * `embedder.bin` (layout 'binary-v2', an embedder with state): the state the manifest then
   * carries only in memory (the repository stores the manifest without it).
   */
  embedderBytes?: Uint8Array | undefined;
  index: VectorIndex;
  /** The raw vectors, row i = documents[i] (for vector caches; not stored by the repository). */
  vectors: Float32Array;
}

/**
 * Embeds every document (title + text) in batches and builds the planned FAISS index (Flat, or
 * IVF for large corpora) whose label i is documents[i], plus the BM25 inverted index. The version id is the first 16 hex characters of sha256 over the
 * embedder id, its modelHash, the document ids, the vector bytes and the documents table, so
 * identical inputs give the identical version and any change gives a new one. When the embedder
 * has a `toJSON()` (the lexical embedder), its state is stored in the manifest so queries can be
 * embedded identically later.
 */
export async function buildIndexVersion(options: BuildIndexOptions): Promise<BuiltIndex> {
  const { documents, embedder, sourceName, snapshot, batchSize = 256, now = () => new Date(), onProgress, precomputed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new AppError('validation-failed', { detail: `batchSize must be a positive integer, got ${batchSize}` });
  }
  assertUniqueIds(documents);
  const dimension = embedder.dimension;
  const vectors = new Float32Array(documents.length * dimension);
  for (let start = 0; start < documents.length; start += batchSize) {
    const batch = documents.slice(start, start + batchSize);
    const missing: number[] = [];
    batch.forEach((_, offset) => {
      const ready = precomputed?.(start + offset);
      if (ready !== undefined && ready.length === dimension) vectors.set(ready, (start + offset) * dimension);
      else missing.push(offset);
    });
    if (missing.length > 0) {
      const embedded = await embedder.embed(missing.map((offset) => documentEmbeddingText(batch[offset]!)));
      if (embedded.length !== missing.length * dimension) {
        throw new AppError('internal', {
          detail: `embedder ${embedder.id} returned ${embedded.length} values for ${missing.length} texts of dimension ${dimension}`,
        });
      }
      missing.forEach((offset, row) => vectors.set(embedded.subarray(row * dimension, (row + 1) * dimension), (start + offset) * dimension));
    }
    onProgress?.(start + batch.length, documents.length);
  }

  const layout = options.layout ?? 'binary-v2';
  const binary = layout !== 'json';
  const table = documents.map(({ id, title, text, url }) => (url === undefined ? { id, title, text } : { id, title, text, url }));
  const documentsBytes = binary ? encodeDocumentTable(table) : new TextEncoder().encode(JSON.stringify(table));
  const { plan, index, measured } =
    options.plan !== undefined && typeof options.plan !== 'function'
      ? { plan: options.plan, index: buildIndex(vectors, dimension, options.plan), measured: undefined }
      : await buildIndexByRecall(vectors, dimension, (options.plan ?? chooseIndexKind)(documents.length), { minimumRecall: options.minimumRecall });
  const indexBytes = index.toBytes();
  const bm25 = options.lexical === false ? undefined : Bm25Retriever.build(documents.map(({ title, text }) => ({ title, text })));
  // binary-v2 stores the weights, length norms and IDF the retriever just derived, so loads derive none.
  const bm25Bytes =
    bm25 === undefined ? undefined : binary ? encodeBm25Postings(bm25.toPostings(), { scoring: layout === 'binary-v2' }) : new TextEncoder().encode(JSON.stringify(bm25.toJSON()));
  const documentsChecksum = sha256Hex(documentsBytes);
  const vectorBytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  // binary-v1 and binary-v2 write the same documents.bin: the layout is hashed in so each keeps its own (immutable) version.
  const layoutTag = layout === 'binary-v2' ? ['\n', layout] : [];
  const version = sha256Hex(embedder.id, '\n', embedder.modelHash, '\n', documents.map((document) => document.id).join('\n'), '\n', vectorBytes, documentsChecksum, ...layoutTag).slice(0, 16);
  const state = embedderState(embedder);
  const embedderBytes = layout === 'binary-v2' && state !== undefined && embedder.id === LEXICAL_EMBEDDER_ID ? encodeLexicalState(state as LexicalEmbedderState) : undefined;

  const manifest: IndexManifest = {
    version,
    count: documents.length,
    dimension,
    embedder: state === undefined ? { id: embedder.id, modelHash: embedder.modelHash } : { id: embedder.id, modelHash: embedder.modelHash, state },
    index: {
      kind: describePlan(plan),
      params: plan.kind === 'Flat' ? {} : { nlist: plan.nlist, nprobe: plan.nprobe, encoding: plan.encoding },
      ...(measured ? { recall: measured } : {}),
    },
    ...(binary ? { layout } : {}),
    ...(bm25Bytes ? { lexical: { id: BM25_STATE_ID } } : {}),
    created: now().toISOString(),
    source: snapshot === undefined ? { name: sourceName, documents: documents.length } : { name: sourceName, documents: documents.length, snapshot },
    checksums: {
      index: sha256Hex(indexBytes),
      documents: documentsChecksum,
      ...(bm25Bytes ? { bm25: sha256Hex(bm25Bytes) } : {}),
      ...(embedderBytes ? { embedder: sha256Hex(embedderBytes) } : {}),
    },
  };
  return { manifest, indexBytes, documentsBytes, bm25Bytes, embedderBytes, index, vectors };
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
