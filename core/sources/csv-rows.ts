import { parse, type CsvError } from 'csv-parse/sync';
import { AppError } from '../../shared/errors/app-error.ts';
import type { RejectedRow } from '../ports/document-source.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import type { RowsRead, SourceRow } from './source-rows.ts';

export interface CsvOptions {
  /** Field delimiter (default ','). */
  delimiter?: string | undefined;
}

/**
 * Parses CSV with a header row (RFC 4180 quoting, UTF-8 BOM tolerated). Row = the line on which a
 * record ends. A malformed record (wrong field count, bad quoting) is rejected, not fatal.
 */
export function readCsvRows(bytes: Uint8Array, options: CsvOptions = {}): RowsRead {
  const rejected: RejectedRow[] = [];
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      columns: true,
      bom: true,
      info: true,
      delimiter: options.delimiter ?? ',',
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        const line = typeof error?.['lines'] === 'number' ? error['lines'] : 0;
        rejected.push({ row: line, reason: csvReason(error) });
        return undefined;
      },
    }) as unknown as typeof records;
  } catch (error) {
    // Errors that are not about one record: a broken header, an invalid option.
    throw new AppError('validation-failed', { detail: `CSV could not be read: ${(error as Error).message}`, cause: error });
  }
  const rows: SourceRow[] = records.map(({ record, info }) => ({ row: info.lines, values: record }));
  return { rows, rejected, fingerprint: contentFingerprint(bytes, `csv:${options.delimiter ?? ','}`) };
}

function csvReason(error: CsvError | undefined): string {
  if (!error) return 'malformed CSV record';
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return 'wrong number of fields';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'quote not closed (the rest of the file is part of this record)';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'malformed quoting';
    default:
      return `malformed CSV record (${error.code})`;
  }
}
