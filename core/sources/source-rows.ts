import type { RejectedRow } from '../ports/document-source.ts';

/** One raw record of a tabular source, before it is mapped to a document. */
export interface SourceRow {
  /** 1-based row number reported back for rejects (a line number for text formats). */
  row: number;
  values: Record<string, unknown>;
  /** Where the row came from when a source has several files (e.g. a Delta data file and its row index). */
  origin?: string | undefined;
}

/** What a row reader returns: rows, rows it could not parse, and a fingerprint of the content read. */
export interface RowsRead {
  rows: SourceRow[];
  rejected: RejectedRow[];
  /** Changes whenever the content changes (a hash of the bytes, or of a table version's file list). */
  fingerprint: string;
}
