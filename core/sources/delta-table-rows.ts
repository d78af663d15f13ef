import { AppError } from '../../shared/errors/app-error.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import { deletionVectorId, readDeletionVector } from './delta-deletion-vector.ts';
import { readDeltaSnapshot, type DeltaField, type DeltaFile } from './delta-log.ts';
import { MAX_SOURCE_ROWS } from './document-schema.ts';
import { decodeParquet } from './parquet-rows.ts';
import { describeFile, readRequiredFile, type SourceFileReader } from './source-file-reader.ts';
import type { RowsRead, SourceRow } from './source-rows.ts';

/** Data files fetched at once (object storage latency, bounded memory). */
const FILE_CONCURRENCY = 4;

export interface DeltaRowsRead extends RowsRead {
  version: number;
  columns: string[];
}

/**
 * The rows of a Delta table's latest snapshot: every live data file in path order, rows in file
 * order minus those its deletion vector removes, with partition values as typed columns. Each
 * row has all schema columns (null where a file lacks one). Row numbers count through the
 * snapshot; `origin` names the file and the row's index in it.
 */
export async function readDeltaRows(files: SourceFileReader): Promise<DeltaRowsRead> {
  const snapshot = await readDeltaSnapshot(files);
  const types = new Map(snapshot.fields.map((field) => [field.name, field.type]));
  const perFile = await mapInOrder(snapshot.files, FILE_CONCURRENCY, (file) => readFileRows(files, file, snapshot.fields, snapshot.partitionColumns, types));
  const rows: SourceRow[] = [];
  for (const fileRows of perFile) {
    for (const row of fileRows) {
      if (rows.length >= MAX_SOURCE_ROWS) {
        throw new AppError('payload-too-large', { detail: `Delta table ${files.location} has more than ${MAX_SOURCE_ROWS} rows` });
      }
      rows.push({ ...row, row: rows.length + 1 });
    }
  }
  const fingerprint = contentFingerprint(
    `delta:${snapshot.version}`,
    ...snapshot.files.map((file) => `${file.path}\0${file.size}\0${deletionVectorId(file.deletionVector)}`),
  );
  return { rows, rejected: [], fingerprint, version: snapshot.version, columns: snapshot.fields.map((field) => field.name) };
}

async function readFileRows(
  files: SourceFileReader,
  file: DeltaFile,
  fields: DeltaField[],
  partitionColumns: string[],
  types: Map<string, unknown>,
): Promise<SourceRow[]> {
  const records = await decodeParquet(await readRequiredFile(files, file.path), describeFile(files, file.path));
  const deleted = file.deletionVector ? await readDeletionVector(files, file.deletionVector, file.path) : new Set<number>();
  for (const index of deleted) {
    if (index >= records.length) {
      throw new AppError('validation-failed', { detail: `deletion vector of ${file.path} removes row ${index}, but the file has ${records.length} rows` });
    }
  }
  const partitions = new Set(partitionColumns);
  const partitionValues = Object.fromEntries(
    partitionColumns.map((column) => [column, partitionValue(file.partitionValues[column] ?? null, types.get(column), column, file.path)]),
  );
  const rows: SourceRow[] = [];
  records.forEach((record, index) => {
    if (deleted.has(index)) return;
    const values: Record<string, unknown> = {};
    for (const { name } of fields) values[name] = partitions.has(name) ? partitionValues[name] : (record[name] ?? null);
    rows.push({ row: 0, values, origin: `${file.path} row index ${index}` });
  });
  return rows;
}

/** Partition values are strings in the log; give them their column's type. */
function partitionValue(raw: string | null, type: unknown, column: string, path: string): unknown {
  if (raw === null) return null;
  if (type === 'string') return raw;
  if (raw === '') return null;
  switch (type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double': {
      const value = Number(raw);
      if (Number.isNaN(value) && raw !== 'NaN') throw new AppError('validation-failed', { detail: `partition value ${column}=${raw} of ${path} is not a number` });
      return value;
    }
    case 'long':
      try {
        return BigInt(raw);
      } catch {
        throw new AppError('validation-failed', { detail: `partition value ${column}=${raw} of ${path} is not a long` });
      }
    case 'boolean':
      return raw === 'true';
    default:
      return raw; // date, timestamp, decimal, binary: kept as the log's text
  }
}

/** Like Promise.all over `items.map(work)`, with at most `limit` in flight. */
async function mapInOrder<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(runners);
  return results;
}
