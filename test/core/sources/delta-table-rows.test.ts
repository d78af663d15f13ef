import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDeltaRows } from '../../../core/sources/delta-table-rows.ts';
import { readDeltaSnapshot } from '../../../core/sources/delta-log.ts';
import { localFileReader } from '../../../core/sources/source-file-reader.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { deltaGoldenTables } from '../../support/fixtures.ts';
import { commitFile, writeDeltaTable, type DeltaDataFile } from './delta-table-writer.ts';

/** delta-rs golden tables (the fixtures folder's data/delta; see its SOURCE.md for the expected rows). */
const GOLDEN = deltaGoldenTables();
const DELTA = GOLDEN.path;
const DV_TABLE = 'table-with-dv-small';
const DV_FILE = 'part-00000-fae5310a-a37d-4e51-827b-c3d5516560ca-c000.snappy.parquet';

const read = (table: string) => readDeltaRows(localFileReader(path.join(DELTA, table)));
const column = (rows: Array<{ values: Record<string, unknown> }>, name: string) => rows.map((row) => row.values[name]);
const numbers = (values: unknown[]) => values.map(Number).sort((left, right) => left - right);

const temporary: string[] = [];
afterEach(async () => {
  for (const folder of temporary.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A scratch copy of a table to tamper with. */
async function copyTable(table: string): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'apfa-delta-'));
  temporary.push(folder);
  await cp(path.join(DELTA, table), folder, { recursive: true });
  return folder;
}

/** Rewrites one commit file's JSON lines. */
async function editCommit(folder: string, version: number, edit: (action: Record<string, any>) => Record<string, any>): Promise<void> {
  const file = commitFile(folder, version);
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  await writeFile(file, lines.map((line) => JSON.stringify(edit(JSON.parse(line)))).join('\n') + '\n');
}

const withDeletionVector = (edit: (dv: Record<string, any>) => void) => (action: Record<string, any>) => {
  if (action['add']?.deletionVector) edit(action['add'].deletionVector);
  return action;
};

describe.skipIf(!GOLDEN.present)('Delta tables (delta-rs golden tables)', () => {
  it('simple_table: version 4 is {5, 7, 9}; the stray _delta_log/.tmp commit is ignored', async () => {
    const result = await read('simple_table');
    expect(result.version).toBe(4);
    expect(result.columns).toEqual(['id']);
    expect(numbers(column(result.rows, 'id'))).toEqual([5, 7, 9]);
    expect(typeof result.rows[0]?.values['id']).toBe('bigint'); // long stays exact
  });

  it('simple_table_with_checkpoint: checkpoint 10 gives 11 rows [0..9, 0]', async () => {
    const result = await read('simple_table_with_checkpoint');
    expect(result.version).toBe(10);
    expect(numbers(column(result.rows, 'version'))).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.rows.map((row) => row.row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('delta-0.8.0: the DELETE tombstone removes a file; rows {0, 1, 2, 4}', async () => {
    const result = await read('delta-0.8.0');
    expect(result.version).toBe(1);
    expect(numbers(column(result.rows, 'value'))).toEqual([0, 1, 2, 4]);
    const snapshot = await readDeltaSnapshot(localFileReader(path.join(DELTA, 'delta-0.8.0')));
    expect(snapshot.files.map((file) => file.path)).toEqual([
      'part-00000-04ec9591-0b73-459e-8d18-ba5711d6cbe1-c000.snappy.parquet',
      'part-00000-c9b90f86-73e6-46c8-93ba-ff6bfaf892a1-c000.snappy.parquet',
    ]);
  });

  it('delta-0.8.0-partitioned: partition values become columns, exactly as delta-rs asserts', async () => {
    const result = await read('delta-0.8.0-partitioned');
    expect(result.columns).toEqual(['value', 'year', 'month', 'day']);
    // test_read_partitioned_table_to_dict (the same file order: path order).
    expect({
      value: column(result.rows, 'value'),
      year: column(result.rows, 'year'),
      month: column(result.rows, 'month'),
      day: column(result.rows, 'day'),
    }).toEqual({
      value: ['1', '2', '3', '6', '7', '5', '4'],
      year: ['2020', '2020', '2020', '2021', '2021', '2021', '2021'],
      month: ['1', '2', '2', '12', '12', '12', '4'],
      day: ['1', '3', '5', '20', '20', '4', '5'],
    });
  });

  it('table-with-dv-small: the on-disk deletion vector removes rows 0 and 9 → [1..8]', async () => {
    const result = await read(DV_TABLE);
    expect(result.version).toBe(1);
    expect(column(result.rows, 'value')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.rows[0]?.origin).toBe(`${DV_FILE} row index 1`);
  });

  it('applies the same deletion vector stored inline (storage type i)', async () => {
    const folder = await copyTable(DV_TABLE);
    const file = await readFile(path.join(folder, 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin'));
    const serialized = file.subarray(5, 5 + 36); // after version byte and size: magic + bitmap
    await editCommit(
      folder,
      1,
      withDeletionVector((dv) => {
        dv['storageType'] = 'i';
        dv['pathOrInlineDv'] = encodeZ85(serialized);
        delete dv['offset'];
      }),
    );
    expect(column((await readDeltaRows(localFileReader(folder))).rows, 'value')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each([
    ['a corrupted deletion vector file', async (folder: string) => {
      const file = path.join(folder, 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin');
      const bytes = await readFile(file);
      bytes.writeUInt8((bytes.readUInt8(bytes.length - 6) ^ 0xff) & 0xff, bytes.length - 6); // a bitmap byte: the CRC no longer matches
      await writeFile(file, bytes);
    }, /checksum mismatch/],
    ['a missing deletion vector file', (folder: string) => rm(path.join(folder, 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin')), /not found/],
    ['a cardinality that disagrees with the log', (folder: string) => editCommit(folder, 1, withDeletionVector((dv) => { dv['cardinality'] = 3; })), /the log says 3/],
    ['a deletion vector at an absolute path (p)', (folder: string) => editCommit(folder, 1, withDeletionVector((dv) => { dv['storageType'] = 'p'; dv['pathOrInlineDv'] = 's3://elsewhere/dv.bin'; })), /absolute paths/],
    ['a reader feature this reader lacks', (folder: string) => editCommit(folder, 0, (action) => {
      if (action['protocol']) action['protocol'].readerFeatures = ['deletionVectors', 'variantType'];
      return action;
    }), /variantType/],
    ['column mapping by name', (folder: string) => editCommit(folder, 0, (action) => {
      if (action['metaData']) action['metaData'].configuration['delta.columnMapping.mode'] = 'name';
      return action;
    }), /column mapping mode 'name'/],
  ])('refuses %s with a clear AppError, never returning the deleted rows', async (_case, tamper, message) => {
    const folder = await copyTable(DV_TABLE);
    await tamper(folder);
    const error = await readDeltaRows(localFileReader(folder)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(message);
  });

  it('reads from the checkpoint: the commits before it can be gone', async () => {
    const folder = await copyTable('simple_table_with_checkpoint');
    for (let version = 0; version < 10; version++) await rm(path.join(folder, '_delta_log', `${String(version).padStart(20, '0')}.json`));
    const result = await readDeltaRows(localFileReader(folder));
    expect(numbers(column(result.rows, 'version'))).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('finds the checkpoint without _last_checkpoint, and replays commits after it', async () => {
    const folder = await copyTable('simple_table_with_checkpoint');
    await rm(path.join(folder, '_delta_log', '_last_checkpoint'));
    // v11 deletes one file that only the checkpoint knows about.
    const snapshot = await readDeltaSnapshot(localFileReader(folder));
    const victim = snapshot.files.find((file) => file.path.startsWith('part-00000-f0e955c5'));
    expect(victim).toBeDefined();
    await writeFile(
      path.join(folder, '_delta_log', '00000000000000000011.json'),
      `${JSON.stringify({ remove: { path: victim?.path, deletionTimestamp: 1, dataChange: true } })}\n`,
    );
    const result = await readDeltaRows(localFileReader(folder));
    expect(result.version).toBe(11);
    expect(numbers(column(result.rows, 'version'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a log with a missing commit instead of guessing', async () => {
    const folder = await copyTable('simple_table');
    await rm(path.join(folder, '_delta_log', '00000000000000000002.json'));
    await expect(readDeltaRows(localFileReader(folder))).rejects.toMatchObject({ code: 'validation-failed', message: expect.stringMatching(/commit 2 is missing/) });
  });

  it('changes its fingerprint when the table moves to a new version, not otherwise', async () => {
    const first = await read(DV_TABLE);
    expect((await read(DV_TABLE)).fingerprint).toBe(first.fingerprint);
    const folder = await copyTable(DV_TABLE);
    await rm(path.join(folder, '_delta_log', '00000000000000000001.json'));
    const older = await readDeltaRows(localFileReader(folder));
    expect(older.version).toBe(0);
    expect(column(older.rows, 'value')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(older.fingerprint).not.toBe(first.fingerprint);
  });
});

/** A data file of `ids` (int64) and `names` (string) in partition `region`. */
const dataFile = (filePath: string, region: string, ids: bigint[]): DeltaDataFile => ({
  path: filePath,
  partitionValues: { region },
  columns: [
    { name: 'id', type: 'int64', values: ids },
    { name: 'name', type: 'string', values: ids.map((id) => `row ${id}`) },
  ],
});

/** A table written here: v0 adds two files in two partitions, v1 removes one and adds another, v2 appends. */
async function writeTable(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'apfa-delta-'));
  temporary.push(folder);
  await writeDeltaTable(folder, {
    schema: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'region', type: 'string' }],
    partitionColumns: ['region'],
    commits: [
      { add: [dataFile('region=east/part-0.parquet', 'east', [1n, 2n]), dataFile('region=west/part-0.parquet', 'west', [3n])] },
      { remove: ['region=east/part-0.parquet'], add: [dataFile('region=east/part-1.parquet', 'east', [2n])] },
      { add: [dataFile('region=north/part-0.parquet', 'north', [4n, 5n])] },
    ],
  });
  return folder;
}

describe('Delta tables written by the test (runs everywhere)', () => {
  it('replays adds and removes to the latest version; partition values become columns; longs stay exact', async () => {
    const result = await readDeltaRows(localFileReader(await writeTable()));
    expect(result.version).toBe(2);
    expect(result.columns).toEqual(['id', 'name', 'region']);
    const rows = result.rows.map((row) => [row.values['id'], row.values['name'], row.values['region']]);
    expect(rows.sort((left, right) => Number(left[0]) - Number(right[0]))).toEqual([
      [2n, 'row 2', 'east'],
      [3n, 'row 3', 'west'],
      [4n, 'row 4', 'north'],
      [5n, 'row 5', 'north'],
    ]);
  });

  it('refuses a log with a missing commit instead of guessing', async () => {
    const folder = await writeTable();
    await rm(commitFile(folder, 1));
    await expect(readDeltaRows(localFileReader(folder))).rejects.toMatchObject({ code: 'validation-failed', message: expect.stringMatching(/commit 1 is missing/) });
  });

  it('changes its fingerprint when the table moves to a new version, not otherwise', async () => {
    const folder = await writeTable();
    const latest = await readDeltaRows(localFileReader(folder));
    expect((await readDeltaRows(localFileReader(folder))).fingerprint).toBe(latest.fingerprint);
    await rm(commitFile(folder, 2));
    const older = await readDeltaRows(localFileReader(folder));
    expect(older.version).toBe(1);
    expect(older.rows).toHaveLength(2);
    expect(older.fingerprint).not.toBe(latest.fingerprint);
  });

  it.each([
    ['a reader feature this reader lacks', (action: Record<string, any>) => {
      if (action['protocol']) action['protocol'] = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['variantType'], writerFeatures: ['variantType'] };
      return action;
    }, /variantType/],
    ['column mapping by name', (action: Record<string, any>) => {
      if (action['metaData']) action['metaData'].configuration['delta.columnMapping.mode'] = 'name';
      return action;
    }, /column mapping mode 'name'/],
  ])('refuses %s with a clear AppError', async (_case, edit, message) => {
    const folder = await writeTable();
    await editCommit(folder, 0, edit);
    const error = await readDeltaRows(localFileReader(folder)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(message);
  });

  it('says not-found for a folder without a Delta log', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'apfa-delta-'));
    temporary.push(folder);
    await expect(readDeltaRows(localFileReader(folder))).rejects.toMatchObject({ code: 'not-found' });
  });
});

/** Z85 encoder for building an inline deletion vector (zero-padded to whole 4-byte words). */
function encodeZ85(bytes: Uint8Array): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  let out = '';
  for (let offset = 0; offset < padded.length; offset += 4) {
    let value = view.getUint32(offset, false);
    const group: string[] = [];
    for (let index = 0; index < 5; index++) {
      group.unshift(alphabet[value % 85] ?? '');
      value = Math.floor(value / 85);
    }
    out += group.join('');
  }
  return out;
}
