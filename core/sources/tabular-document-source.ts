import { AppError } from '../../shared/errors/app-error.ts';
import type { DocumentSource, SourceSnapshot } from '../ports/document-source.ts';
import { ColumnMappingSchema, mapRowsToDocuments, type ColumnMapping } from './column-mapping.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import { MAX_SOURCE_ROWS } from './document-schema.ts';
import type { RowsRead } from './source-rows.ts';

export interface TabularDocumentSourceOptions {
  /** Source name for manifests and logs (a path or URI; never credentials). */
  name: string;
  /** Format tag folded into the snapshot hash ('csv', 'parquet', 'delta', …). */
  format: string;
  columns?: ColumnMapping | undefined;
  readRows: () => Promise<RowsRead>;
}

/**
 * A DocumentSource over any row reader: maps rows to documents with a column mapping and
 * validates them. Rows that cannot be parsed or validated, and duplicate ids, are reported in
 * `rejected` (row order) and the rest still flow. The snapshot hash covers the content read and
 * the mapping, so changing either re-indexes.
 */
export function createTabularDocumentSource(options: TabularDocumentSourceOptions): DocumentSource {
  const parsedMapping = ColumnMappingSchema.safeParse(options.columns ?? {});
  if (!parsedMapping.success) {
    throw new AppError('validation-failed', { detail: `invalid column mapping for ${options.name}: ${parsedMapping.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` });
  }
  const mapping = parsedMapping.data;
  // The last content mapped: validating and cleaning every row is most of a read (about 25 µs a
  // row), so a sync after a small upload does not pay it again for an unchanged corpus.
  let last: { fingerprint: string; mapped: ReturnType<typeof mapRowsToDocuments> } | null = null;
  return {
    async read(): Promise<SourceSnapshot> {
      const read = await options.readRows();
      if (read.rows.length > MAX_SOURCE_ROWS) {
        throw new AppError('payload-too-large', { detail: `source ${options.name} has ${read.rows.length} rows; the limit is ${MAX_SOURCE_ROWS}` });
      }
      if (last?.fingerprint !== read.fingerprint) last = { fingerprint: read.fingerprint, mapped: mapRowsToDocuments(read.rows, mapping) };
      const { documents, rejected } = last.mapped;
      return {
        name: options.name,
        snapshot: contentFingerprint(options.format, read.fingerprint, JSON.stringify(mapping)),
        documents: [...documents],
        rejected: [...read.rejected, ...rejected].sort((left, right) => left.row - right.row),
      };
    },
  };
}
