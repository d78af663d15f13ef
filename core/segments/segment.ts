import type { KnowledgeDocument } from '../ports/document.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import type { Bm25Postings } from '../retrieval/bm25-postings.ts';
import { Bm25Retriever } from '../retrieval/bm25-retriever.ts';
import { isBm25Postings } from '../retrieval/bm25-postings.ts';
import type { LoadedIndex } from '../indexing/loaded-index.ts';
import type { DeltaManifest, Tombstone } from './segment-manifest.ts';

/** One searchable segment of a chain: a base version or a delta, with its own labels 0..count-1. */
export interface Segment {
  /** The base version, or the delta id. */
  id: string;
  documents: readonly KnowledgeDocument[];
  /** Its vectors; null for a delta that adds nothing. */
  index: VectorIndex | null;
  /** Its BM25 postings; null for a delta that adds nothing. */
  postings: Bm25Postings | null;
  /** k1 · (1 − b + b · length / base average length) per row, for the chain's BM25 parameters. */
  lengthNorms: Float64Array | null;
}

/** A base version loaded as the first segment of a chain. */
export interface BaseSegment extends Segment {
  loaded: LoadedIndex;
  postings: Bm25Postings;
  lengthNorms: Float64Array;
}

/** A delta loaded from storage. */
export interface DeltaSegment extends Segment {
  manifest: DeltaManifest;
  tombstones: readonly Tombstone[];
}

/**
 * Turns a loaded base version into a segment. Its BM25 postings are the stored binary ones; a
 * version in the first (JSON) layout, or without BM25 state, has them restored or built. Stored
 * length norms are used when present (binary-v2), else derived from the postings.
 */
export function baseSegment(loaded: LoadedIndex): BaseSegment {
  const state = loaded.bm25State;
  const postings = isBm25Postings(state)
    ? state
    : state !== undefined
      ? Bm25Retriever.fromJSON(state).toPostings()
      : Bm25Retriever.build(loaded.documents.map(({ title, text }) => ({ title, text }))).toPostings();
  const lengthNorms = postings.lengthNorms?.length === postings.documentCount ? postings.lengthNorms : lengthNormsOf(postings, averageLengthOf(postings));
  return { id: loaded.manifest.version, documents: loaded.documents, index: loaded.index, postings, lengthNorms, loaded };
}

/** Each row's BM25 length: body tf + titleBoost · title tf over its postings (as Bm25Retriever computes it). */
export function documentLengthsOf(postings: Bm25Postings): Float64Array {
  const { documents, bodyFrequencies, titleFrequencies, titleBoost, documentCount } = postings;
  const lengths = new Float64Array(documentCount);
  for (let p = 0; p < documents.length; p++) {
    // Through a float32, as the retriever stores posting weights.
    lengths[documents[p]!]! += Math.fround(bodyFrequencies[p]! + titleBoost * titleFrequencies[p]!);
  }
  return lengths;
}

/** The average BM25 length of the rows of `postings` (1 when empty, as Bm25Retriever does). */
export function averageLengthOf(postings: Bm25Postings): number {
  let total = 0;
  for (const length of documentLengthsOf(postings)) total += length;
  return postings.documentCount > 0 && total > 0 ? total / postings.documentCount : 1;
}

/** Length norms of the rows of `postings` against a given average length (the base's). */
export function lengthNormsOf(postings: Bm25Postings, averageLength: number): Float64Array {
  const { k1, b } = postings;
  const lengths = documentLengthsOf(postings);
  const norms = new Float64Array(lengths.length);
  for (let d = 0; d < lengths.length; d++) norms[d] = k1 * (1 - b + (b * lengths[d]!) / averageLength);
  return norms;
}
