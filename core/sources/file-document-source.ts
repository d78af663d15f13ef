import type { DocumentSource } from '../ports/document-source.ts';
import type { ColumnMapping } from './column-mapping.ts';
import { readCsvRows } from './csv-rows.ts';
import { readJsonlRows } from './jsonl-rows.ts';
import { readParquetRows } from './parquet-rows.ts';
import { describeFile, readRequiredFile, type SourceFileReader } from './source-file-reader.ts';
import { createTabularDocumentSource } from './tabular-document-source.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import { MAX_JSONL_FILE_BYTES, MAX_SOURCE_FILE_BYTES } from './document-schema.ts';
import type { RowsRead } from './source-rows.ts';

export type FileFormat = 'jsonl' | 'csv' | 'parquet';

export interface FileDocumentSourceOptions {
  format: FileFormat;
  /** Where the file lives: a local folder or an object-store prefix. */
  files: SourceFileReader;
  /** The file, relative to `files`. */
  path: string;
  columns?: ColumnMapping | undefined;
  /** CSV only; default ','. */
  delimiter?: string | undefined;
  /** Default: the file's location. */
  name?: string | undefined;
}

/**
 * One JSONL, CSV or Parquet file, local or in object storage, as documents. JSONL and CSV rows
 * are numbered by line, Parquet rows by position (1-based). The file is read on every `read()`;
 * it is parsed (and its rows validated) again only when its content changed.
 */
export function createFileDocumentSource(options: FileDocumentSourceOptions): DocumentSource {
  const label = describeFile(options.files, options.path);
  const parse = async (bytes: Uint8Array): Promise<RowsRead> => {
    switch (options.format) {
      case 'jsonl':
        return readJsonlRows(bytes);
      case 'csv':
        return readCsvRows(bytes, { delimiter: options.delimiter });
      case 'parquet':
        return readParquetRows(bytes, label);
    }
  };
  // The rows of the last bytes read: an unchanged file (the corpus, when a sync follows an upload) is not parsed again.
  let last: { content: string; read: RowsRead } | null = null;
  return createTabularDocumentSource({
    name: options.name ?? label,
    format: options.format,
    columns: options.columns,
    async readRows() {
      const bytes = await readRequiredFile(options.files, options.path, options.format === 'jsonl' ? MAX_JSONL_FILE_BYTES : MAX_SOURCE_FILE_BYTES);
      const content = contentFingerprint(bytes);
      if (last?.content !== content) last = { content, read: await parse(bytes) };
      return last.read;
    },
  });
}
