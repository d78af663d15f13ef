import type { KnowledgeDocument } from './document.ts';

export interface RejectedRow {
  /** 1-based row (line) number in the source. */
  row: number;
  reason: string;
}

export interface SourceSnapshot {
  /** Source name for manifests and logs (a path or URI; never credentials). */
  name: string;
  /** A content hash of what was read, so an unchanged source is not re-indexed. */
  snapshot: string;
  documents: KnowledgeDocument[];
  rejected: RejectedRow[];
}

/** Reads the documents of a knowledge-base source. Invalid rows are reported, not fatal. */
export interface DocumentSource {
  read(): Promise<SourceSnapshot>;
}
