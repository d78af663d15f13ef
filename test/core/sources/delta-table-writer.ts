/**
 * Writes small Delta Lake tables for tests: a `_delta_log/` of JSON commits (protocol and metaData
 * in commit 0) over Parquet data files from test/core/sources/parquet-writer.ts. Only plain adds
 * and removes (no checkpoints, no deletion vectors): the delta-rs golden tables in the fixtures
 * folder cover those.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeParquet, type ParquetColumn } from './parquet-writer.ts';

/** A data file to add: its path in the table (Hive-style partition folders included) and its columns. */
export interface DeltaDataFile {
  path: string;
  columns: ParquetColumn[];
  partitionValues?: Record<string, string>;
}

/** One commit: files added, and paths of earlier files removed (as a DELETE or UPDATE writes them). */
export interface DeltaCommit {
  add?: DeltaDataFile[];
  remove?: string[];
}

export interface DeltaTableSpec {
  /** Data columns and partition columns, with their Delta types. */
  schema: Array<{ name: string; type: 'string' | 'long' }>;
  partitionColumns?: string[];
  commits: DeltaCommit[];
}

/** Path of commit `version`'s log file inside `folder`. */
export const commitFile = (folder: string, version: number) => path.join(folder, '_delta_log', `${String(version).padStart(20, '0')}.json`);

/** Writes the table into `folder` (created if missing). */
export async function writeDeltaTable(folder: string, spec: DeltaTableSpec): Promise<void> {
  const { schema, partitionColumns = [], commits } = spec;
  await mkdir(path.join(folder, '_delta_log'), { recursive: true });
  const schemaString = JSON.stringify({ type: 'struct', fields: schema.map(({ name, type }) => ({ name, type, nullable: true, metadata: {} })) });
  for (const [version, commit] of commits.entries()) {
    const actions: unknown[] = [];
    if (version === 0) {
      actions.push({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
      actions.push({ metaData: { id: 'test-table', format: { provider: 'parquet', options: {} }, schemaString, partitionColumns, configuration: {}, createdTime: 0 } });
    }
    for (const removed of commit.remove ?? []) actions.push({ remove: { path: encodeURI(removed), deletionTimestamp: version, dataChange: true } });
    for (const file of commit.add ?? []) {
      const bytes = writeParquet(file.columns);
      await mkdir(path.dirname(path.join(folder, file.path)), { recursive: true });
      await writeFile(path.join(folder, file.path), bytes);
      actions.push({ add: { path: encodeURI(file.path), partitionValues: file.partitionValues ?? {}, size: bytes.byteLength, modificationTime: version, dataChange: true } });
    }
    await writeFile(commitFile(folder, version), actions.map((action) => JSON.stringify(action)).join('\n') + '\n');
  }
}
