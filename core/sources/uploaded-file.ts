import { AppError } from '../../shared/errors/app-error.ts';
import type { RejectedRow } from '../ports/document-source.ts';
import { ColumnMappingSchema, documentInput } from './column-mapping.ts';
import { readCsvRows } from './csv-rows.ts';
import { readJsonlRows } from './jsonl-rows.ts';
import { readParquetRows } from './parquet-rows.ts';
import type { RowsRead } from './source-rows.ts';

/** File formats an admin may upload documents in, by the media type the upload is sent with. */
export const UPLOAD_FILE_MEDIA_TYPES = {
  'text/csv': 'csv',
  'application/jsonl': 'jsonl',
  'application/x-ndjson': 'jsonl',
  'application/vnd.apache.parquet': 'parquet',
} as const;

export type UploadFileFormat = (typeof UPLOAD_FILE_MEDIA_TYPES)[keyof typeof UPLOAD_FILE_MEDIA_TYPES];

/** The format of an upload's media type (parameters such as `; charset=utf-8` ignored), or null. */
export function uploadFileFormat(contentType: string | undefined): UploadFileFormat | null {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return Object.hasOwn(UPLOAD_FILE_MEDIA_TYPES, mediaType) ? UPLOAD_FILE_MEDIA_TYPES[mediaType as keyof typeof UPLOAD_FILE_MEDIA_TYPES] : null;
}

/** One record of an uploaded file, as document fields not yet validated. */
export interface UploadedRecord {
  /** 1-based: the line (JSONL), the line the record ends on (CSV, header = line 1), or the row (Parquet). */
  row: number;
  input: Record<string, unknown>;
}

export interface UploadedFileRead {
  records: UploadedRecord[];
  /** Rows that could not be read as a record at all (not JSON, malformed CSV quoting, wrong field count). */
  unreadable: RejectedRow[];
}

const DEFAULT_COLUMNS = ColumnMappingSchema.parse({});

/**
 * Reads an uploaded file with the configured sources' readers (csv-parse for RFC 4180 CSV with a
 * header row, JSON Lines, hyparquet for Parquet) and picks each record's document fields by the
 * default columns: id, title, text, and url and tags when present (tags: a list, or
 * comma-separated). A file that cannot be read at all is AppError 'validation-failed'.
 */
export async function readUploadedFile(format: UploadFileFormat, bytes: Uint8Array): Promise<UploadedFileRead> {
  let read: RowsRead;
  if (format === 'csv') read = readCsvRows(bytes);
  else if (format === 'jsonl') read = readJsonlRows(bytes);
  else read = await readParquetRows(bytes, 'The uploaded file');
  if (format === 'csv' && read.rows.length > 0 && !(DEFAULT_COLUMNS.text in read.rows[0]!.values)) {
    throw new AppError('validation-failed', {
      detail: `The CSV header has no "${DEFAULT_COLUMNS.text}" column: the first line names the columns, e.g. id,title,text (url and tags optional).`,
    });
  }
  return {
    records: read.rows.map(({ row, values }) => ({ row, input: documentInput(values, DEFAULT_COLUMNS) })),
    unreadable: read.rejected,
  };
}
