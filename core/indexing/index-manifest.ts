import { z } from 'zod';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex digest');

/** Index version ids: the first 16 hex characters of a sha256 (see build-index.ts). */
export const IndexVersionSchema = z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex characters');

/** Describes one stored index version: what was embedded, with what, and checksums of its files. */
export const IndexManifestSchema = z.object({
  version: IndexVersionSchema,
  count: z.number().int().nonnegative(),
  dimension: z.number().int().positive(),
  embedder: z.object({
    id: z.string().min(1),
    modelHash: z.string().min(1),
    /**
     * Serialised embedder state when the embedder has one (e.g. the lexical embedder's IDF table).
     * In layout 'binary-v2' it is stored in `embedder.bin` instead; a loaded (or just built)
     * manifest carries it here in memory either way.
     */
    state: z.unknown().optional(),
  }),
  index: z.object({
    /** FAISS factory-style name: 'Flat', 'IVF2048,Flat', 'IVF2048,SQ8'. */
    kind: z.string().regex(/^(Flat|IVF\d+,(Flat|SQ8))$/),
    /** IVF list count, lists probed per query (patched into the serialization) and encoding. */
    params: z.object({ nlist: z.number().int().positive().optional(), nprobe: z.number().int().positive().optional(), encoding: z.enum(['Flat', 'SQ8']).optional() }),
    /**
     * Why this kind: the IVF candidate's recall@k against exact search on held-out rows of the
     * corpus (core/index/choose-index-by-recall.ts). Absent when Flat was planned outright.
     */
    recall: z
      .object({
        candidate: z.string().regex(/^IVF\d+,(Flat|SQ8)$/),
        recall: z.number().min(0).max(1),
        k: z.number().int().positive(),
        queries: z.number().int().positive(),
        nprobe: z.number().int().positive(),
        minimumRecall: z.number().min(0).max(1),
      })
      .optional(),
  }),
  /**
   * How the documents table, the BM25 state and the embedder state are stored (docs/retrieval.md,
   * "Stored versions"). 'binary-v2': `documents.bin`, `bm25.bin` with BM25's scoring tables
   * (posting weights, document length norms, term IDF), and the embedder state in `embedder.bin`
   * (core/embedding/lexical-embedder-bytes.ts), all read straight into typed arrays.
   * 'binary-v1': `documents.bin` and `bm25.bin` without scoring tables (core/indexing/document-table-bytes.ts,
   * core/retrieval/bm25-postings.ts), the embedder state in the manifest. Absent: the first layout,
   * `documents.json` and `bm25.json` (JSON rows; varints in base64). All three still load.
   */
  layout: z.enum(['binary-v1', 'binary-v2']).optional(),
  /** The lexical (BM25) ranking stored beside the vectors, for hybrid and BM25 retrieval. */
  lexical: z.object({ id: z.string().min(1) }).optional(),
  created: z.iso.datetime(),
  source: z.object({
    name: z.string().min(1),
    documents: z.number().int().nonnegative(),
    snapshot: z.string().optional(),
  }),
  checksums: z.object({
    index: sha256Hex,
    documents: sha256Hex,
    bm25: sha256Hex.optional(),
    /** `embedder.bin` (layout 'binary-v2', an embedder with state). */
    embedder: sha256Hex.optional(),
  }),
});

export type IndexManifest = z.infer<typeof IndexManifestSchema>;
