import { readFlatIpHeader } from '../index/faiss-flat-bytes.ts';
import type { IndexPlan } from '../index/choose-index-kind.ts';
import { buildIndexVersion, type BuiltIndex } from '../indexing/build-index.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import type { SegmentChain } from './segment-chain.ts';

export interface MergeSegmentsOptions {
  chain: SegmentChain;
  /** The chain's embedder; it embeds only rows whose vectors cannot be read back (an IVF base). */
  embedder: Embedder;
  sourceName: string;
  snapshot?: string | undefined;
  plan?: IndexPlan | ((count: number) => IndexPlan);
  now?: () => Date;
}

/**
 * Folds a chain into a new base: its live rows (base rows no delta hid, then each delta's, in
 * label order) built by the same {@link buildIndexVersion} as a full rebuild, with the vectors of
 * Flat segments reused instead of embedded again. The result is an ordinary version, identical
 * to a rebuild of the same documents with the same embedder; save it with the IndexRepository and
 * publish it like any version. Runs off the serving path (a job).
 */
export async function mergeSegments(options: MergeSegmentsOptions): Promise<BuiltIndex> {
  const { chain, embedder } = options;
  const live = chain.liveDocuments();
  const vectorsOf = chain.segments.map((segment) => flatVectors(segment.index));
  const dimension = chain.base.loaded.manifest.dimension;
  const documents: KnowledgeDocument[] = live.map(({ document }) => plain(document));
  return buildIndexVersion({
    documents,
    embedder,
    sourceName: options.sourceName,
    snapshot: options.snapshot,
    ...(options.plan ? { plan: options.plan } : {}),
    ...(options.now ? { now: options.now } : {}),
    precomputed: (row) => {
      const { segment, local } = live[row]!;
      return vectorsOf[segment]?.subarray(local * dimension, (local + 1) * dimension);
    },
  });
}

/** The stored vectors of a Flat index, read from its serialization; undefined for other kinds (they are embedded again). */
function flatVectors(index: VectorIndex | null): Float32Array | undefined {
  if (index === null || index.kind !== 'Flat') return undefined;
  let bytes: Uint8Array;
  try {
    bytes = index.toBytes();
  } catch {
    // A deferred index not loaded yet: its rows are embedded again, which gives the same vectors.
    return undefined;
  }
  const header = readFlatIpHeader(bytes);
  const copy = bytes.slice(header.payloadOffset, header.payloadOffset + header.count * header.dimension * 4);
  return new Float32Array(copy.buffer, copy.byteOffset, header.count * header.dimension);
}

function plain({ id, title, text, url }: KnowledgeDocument): KnowledgeDocument {
  return url === undefined ? { id, title, text } : { id, title, text, url };
}
