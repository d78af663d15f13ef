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
 * record ends (a field with line breaks in it spans several). A malformed record (wrong field count, bad quoting) is rejected, not fatal.
 */
export function readCsvRows(bytes: Uint8Array, options: CsvOptions = {}): RowsRead {
  const rejected: RejectedRow[] = [];
  const lineOf = lineEndingAt(bytes);
  let records: Array<{ record: Record<string, string>; info: { bytes: number } }>;
  try {
    records = parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      columns: true,
      bom: true,
      info: true,
      delimiter: options.delimiter ?? ',',
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        const end = typeof error?.['bytes'] === 'number' ? error['bytes'] : 0;
        rejected.push({ row: lineOf(end), reason: csvReason(error) });
        return undefined;
      },
    }) as unknown as typeof records;
  } catch (error) {
    // Errors that are not about one record: a broken header, an invalid option.
    throw new AppError('validation-failed', { detail: `CSV could not be read: ${(error as Error).message}`, cause: error });
  }
  const rows: SourceRow[] = records.map(({ record, info }) => ({ row: lineOf(info.bytes), values: record }));
  return { rows, rejected, fingerprint: contentFingerprint(bytes, `csv:${options.delimiter ?? ','}`) };
}

/**
 * The 1-based line a record ends on, from the byte offset csv-parse reports at its end (after its
 * line break). Counted here because csv-parse's own `lines` counts a CRLF inside a quoted field
 * as two lines. CRLF, LF and a lone CR each end one line.
 */
function lineEndingAt(bytes: Uint8Array): (end: number) => number {
  const CR = 0x0d;
  const LF = 0x0a;
  // Offsets just after each line break, ascending.
  const breaks: number[] = [];
  for (let offset = 0; offset < bytes.length; offset++) {
    if (bytes[offset] === LF || (bytes[offset] === CR && bytes[offset + 1] !== LF)) breaks.push(offset + 1);
  }
  return (end) => {
    let last = Math.min(end, bytes.length);
    // Step back over the record's own line break, so the line is the one its last field is on.
    if (last > 0 && bytes[last - 1] === LF) last -= 1;
    if (last > 0 && bytes[last - 1] === CR) last -= 1;
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (breaks[middle]! <= last) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
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
