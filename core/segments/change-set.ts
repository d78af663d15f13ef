import type { KnowledgeDocument } from '../ports/document.ts';
import type { ChangeSet } from './build-delta.ts';
import type { SegmentChain } from './segment-chain.ts';

/**
 * The documents a version serves, by id: what a snapshot is compared with. The change publisher
 * keeps it between changes (brought forward with {@link applyChangeSet}), so a change does not
 * decode and map every row of the chain again.
 */
export type LiveDocuments = Map<string, KnowledgeDocument>;

/** The live rows of a chain by id. */
export function liveDocumentsOf(chain: SegmentChain): LiveDocuments {
  const live: LiveDocuments = new Map();
  for (const { document } of chain.liveDocuments()) live.set(document.id, document);
  return live;
}

/**
 * What turns `live` into `documents` (a source snapshot, ids unique): upserts are the documents
 * that are new or whose title, text or url differ (what the index holds; tags are not indexed), in
 * the snapshot's order; deletes are live ids the snapshot no longer holds. Empty when `live` is
 * exactly these documents. An unchanged document's entry in `live` is replaced by the snapshot's
 * object (equal in what is indexed), so the next comparison with the same snapshot objects (a
 * source whose unchanged rows are reused) is by identity, without comparing texts.
 */
export function changeSetBetween(live: LiveDocuments, documents: readonly KnowledgeDocument[]): ChangeSet {
  const upserts: KnowledgeDocument[] = [];
  let found = 0;
  for (const document of documents) {
    const current = live.get(document.id);
    if (current !== undefined) found++;
    if (current === document) continue;
    if (current !== undefined && current.title === document.title && current.text === document.text && (current.url ?? undefined) === (document.url ?? undefined)) {
      live.set(document.id, document);
      continue;
    }
    upserts.push(document);
  }
  if (found === live.size) return { upserts, deletes: [] };
  const seen = new Set(documents.map((document) => document.id));
  return { upserts, deletes: [...live.keys()].filter((id) => !seen.has(id)) };
}

/** Brings `live` forward over a change set: what the version that applies it serves. */
export function applyChangeSet(live: LiveDocuments, changes: ChangeSet): void {
  for (const id of changes.deletes) live.delete(id);
  for (const document of changes.upserts) live.set(document.id, document);
}

/** Documents a change set touches (added, replaced or removed). */
export function changeSize(changes: ChangeSet): number {
  return changes.upserts.length + changes.deletes.length;
}
