import type { KnowledgeDocument } from '../ports/document.ts';
import type { ChangeSet } from './build-delta.ts';
import type { SegmentChain } from './segment-chain.ts';

/**
 * What turns the live documents of a chain into `documents` (a source snapshot, ids unique):
 * upserts are the documents that are new or whose title, text or url differ (what the index
 * holds; tags are not indexed), in the snapshot's order; deletes are live ids the snapshot no
 * longer holds. Empty when the chain already serves exactly these documents.
 */
export function changeSetBetween(chain: SegmentChain, documents: readonly KnowledgeDocument[]): ChangeSet {
  const live = new Map<string, KnowledgeDocument>();
  for (const { document } of chain.liveDocuments()) live.set(document.id, document);
  const upserts: KnowledgeDocument[] = [];
  const seen = new Set<string>();
  for (const document of documents) {
    seen.add(document.id);
    const current = live.get(document.id);
    if (current === undefined || current.title !== document.title || current.text !== document.text || (current.url ?? undefined) !== (document.url ?? undefined)) {
      upserts.push(document);
    }
  }
  const deletes = [...live.keys()].filter((id) => !seen.has(id));
  return { upserts, deletes };
}

/** Documents a change set touches (added, replaced or removed). */
export function changeSize(changes: ChangeSet): number {
  return changes.upserts.length + changes.deletes.length;
}
