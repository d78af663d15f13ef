import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { AppError } from '../../shared/errors/app-error.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import type { RowsRead } from './source-rows.ts';

/**
 * Decodes every row of a Parquet file as an object (all codecs hyparquet-compressors knows:
 * snappy, gzip, brotli, zstd, lz4). Rows come in file order, so index i is the row's position in
 * the file (what Delta deletion vectors refer to). An unreadable file is AppError 'validation-failed'.
 */
export async function decodeParquet(bytes: Uint8Array, label: string): Promise<Array<Record<string, unknown>>> {
  const file = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : bytes.slice().buffer;
  try {
    return (await parquetReadObjects({ file, compressors, rowFormat: 'object' })) as Array<Record<string, unknown>>;
  } catch (error) {
    throw new AppError('validation-failed', { detail: `${label} is not a readable Parquet file: ${(error as Error).message}`, cause: error });
  }
}

/** One Parquet file as source rows; row = 1-based position in the file. */
export async function readParquetRows(bytes: Uint8Array, label: string): Promise<RowsRead> {
  const records = await decodeParquet(bytes, label);
  return { rows: records.map((values, index) => ({ row: index + 1, values })), rejected: [], fingerprint: contentFingerprint(bytes) };
}
