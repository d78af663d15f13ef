import { z } from 'zod';
import { IndexVersionSchema } from '../indexing/index-manifest.ts';
import { sha256Hex } from '../indexing/sha256.ts';

const sha256Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex digest');
/** Delta ids, like version ids: the first 16 hex characters of a sha256. */
export const DeltaIdSchema = z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex characters');

/**
 * One delta segment (`segments/deltas/<id>/delta.json`): the documents a change adds or updates,
 * indexed on their own, and the rows of earlier segments it replaces or deletes (docs/segments.md).
 */
export const DeltaManifestSchema = z.object({
  id: DeltaIdSchema,
  /** The version (a base, or a segmented version) this delta was built on. */
  parent: IndexVersionSchema,
  /** The base version at the bottom of the chain. */
  base: IndexVersionSchema,
  /** Documents this delta adds (rows of its documents.bin, index.faiss and bm25.bin). */
  count: z.number().int().nonnegative(),
  /** Rows of earlier segments this delta replaces or deletes (entries of tombstones.json). */
  tombstones: z.number().int().nonnegative(),
  dimension: z.number().int().positive(),
  embedder: z.object({ id: z.string().min(1), modelHash: z.string().min(1) }),
  /** The base's BM25 parameters and average document length, which the stored length norms use. */
  bm25: z.object({
    k1: z.number().finite().nonnegative(),
    b: z.number().min(0).max(1),
    titleBoost: z.number().finite().nonnegative(),
    averageLength: z.number().finite().positive(),
  }),
  created: z.iso.datetime(),
  checksums: z.object({
    /** Absent when the delta adds no documents (only deletes). */
    index: sha256Hex64.optional(),
    documents: sha256Hex64.optional(),
    bm25: sha256Hex64.optional(),
    tombstones: sha256Hex64,
  }),
});
export type DeltaManifest = z.infer<typeof DeltaManifestSchema>;

/** `tombstones.json`: the rows a delta hides, each named by its segment (base version or delta id), row and document id. */
export const TombstonesSchema = z.object({
  tombstones: z.array(z.object({ segment: DeltaIdSchema, label: z.number().int().nonnegative(), id: z.string().min(1) })),
});
export type Tombstone = z.infer<typeof TombstonesSchema>['tombstones'][number];

/**
 * A segmented version (`segments/versions/<version>.json`): a base referenced by version and by
 * the checksums of its files (never copied), and the deltas searched over it, oldest first.
 */
export const SegmentedVersionSchema = z.object({
  version: IndexVersionSchema,
  base: z.object({
    version: IndexVersionSchema,
    checksums: z.object({
      index: sha256Hex64,
      documents: sha256Hex64,
      bm25: sha256Hex64.optional(),
      embedder: sha256Hex64.optional(),
    }),
  }),
  deltas: z.array(DeltaIdSchema).min(1),
  /** The version this one was published on top of (a base or a segmented version). */
  parent: IndexVersionSchema,
  /** Live documents (base and deltas, tombstoned rows not counted). */
  documents: z.number().int().nonnegative(),
  created: z.iso.datetime(),
  /** The source snapshot it serves, when a sync published it (so an unchanged source is not synced again). */
  source: z.object({ name: z.string(), snapshot: z.string() }).optional(),
});
export type SegmentedVersion = z.infer<typeof SegmentedVersionSchema>;

/**
 * The id of a chain: the base's own id when there are no deltas (every ordinary version is a
 * chain of one segment), else sha256 over the base and the delta ids, 16 hex characters.
 */
export function segmentedVersionId(base: string, deltas: readonly string[]): string {
  if (deltas.length === 0) return base;
  return sha256Hex('segmented\n', base, ...deltas.map((id) => `\n${id}`)).slice(0, 16);
}
