import type { KnowledgeDocument } from '../ports/document.ts';
import type { DocumentSource, RejectedRow, SourceSnapshot } from '../ports/document-source.ts';
import { contentFingerprint } from './content-fingerprint.ts';

/**
 * Several sources read as one (e.g. the configured table plus admin uploads). A document id that
 * appears again in a later source replaces the earlier one, so an upload can correct a row.
 * Rejected rows keep their row number and say which source they came from.
 */
export function combineDocumentSources(sources: DocumentSource[], name: string): DocumentSource {
  return {
    async read(): Promise<SourceSnapshot> {
      const snapshots = await Promise.all(sources.map((source) => source.read()));
      const byId = new Map<string, KnowledgeDocument>();
      const rejected: RejectedRow[] = [];
      for (const snapshot of snapshots) {
        for (const document of snapshot.documents) {
          byId.delete(document.id); // keep the later one, in its own position
          byId.set(document.id, document);
        }
        for (const row of snapshot.rejected) rejected.push({ row: row.row, reason: `${snapshot.name}: ${row.reason}` });
      }
      return {
        name,
        snapshot: contentFingerprint('combined', ...snapshots.map((snapshot) => `${snapshot.name}\0${snapshot.snapshot}`)),
        documents: [...byId.values()],
        rejected,
      };
    },
  };
}
