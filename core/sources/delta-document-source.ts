import type { DocumentSource } from '../ports/document-source.ts';
import type { ColumnMapping } from './column-mapping.ts';
import { readDeltaRows } from './delta-table-rows.ts';
import type { SourceFileReader } from './source-file-reader.ts';
import { createTabularDocumentSource } from './tabular-document-source.ts';

export interface DeltaDocumentSourceOptions {
  /** The table root (the folder or prefix that holds `_delta_log/`). */
  files: SourceFileReader;
  columns?: ColumnMapping | undefined;
  /** Default: the table's location. */
  name?: string | undefined;
}

/**
 * The latest snapshot of a Delta Lake table as documents. The snapshot hash follows the table
 * version and its live files, so an unchanged table is not re-indexed.
 */
export function createDeltaDocumentSource(options: DeltaDocumentSourceOptions): DocumentSource {
  return createTabularDocumentSource({
    name: options.name ?? options.files.location,
    format: 'delta',
    columns: options.columns,
    readRows: () => readDeltaRows(options.files),
  });
}
