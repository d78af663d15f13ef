import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../core/ports/object-store.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';
import { readDeltaRows } from '../../../core/sources/delta-table-rows.ts';
import { parseDocumentSourceSpec } from '../../../core/sources/document-source-spec.ts';
import { localFileReader, objectStoreFileReader } from '../../../core/sources/source-file-reader.ts';
import { S3ObjectStore } from '../../../core/storage/s3-object-store.ts';
import { deltaGoldenTables } from '../../support/fixtures.ts';
import { startS3rver, type RunningS3rver } from '../storage/s3rver-server.ts';
import { writeDeltaTable } from './delta-table-writer.ts';

/** The delta-rs golden tables (checkpoint, partitions, deletion vectors), from the fixtures folder. */
const GOLDEN = deltaGoldenTables();
const DELTA = GOLDEN.path;

const TEXTS = {
  fixed: 'A fixed-rate mortgage keeps the same interest rate for the whole term.',
  adjustable: 'Adjustable-rate mortgages change with an index after the initial period.',
  points: 'Discount points lower the interest rate in exchange for a fee paid at closing.',
};

/** Uploads a local folder to the store under `prefix`, keeping relative paths. */
async function upload(store: ObjectStore, folder: string, prefix: string): Promise<number> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  let count = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    await store.put(`${prefix}/${path.relative(folder, absolute).split(path.sep).join('/')}`, await readFile(absolute));
    count++;
  }
  return count;
}

/**
 * A small Delta table with real text, partitioned by `topic`: v0 adds two files, v1 removes one
 * and adds a replacement (as an UPDATE would).
 */
async function writeKnowledgeTable(folder: string): Promise<void> {
  const file = (filePath: string, topic: string, rows: Array<[string, string, string]>) => ({
    path: filePath,
    partitionValues: { topic },
    columns: [
      { name: 'id', type: 'string' as const, values: rows.map((row) => row[0]) },
      { name: 'title', type: 'string' as const, values: rows.map((row) => row[1]) },
      { name: 'text', type: 'string' as const, values: rows.map((row) => row[2]) },
    ],
  });
  await writeDeltaTable(folder, {
    schema: ['id', 'title', 'text', 'topic'].map((name) => ({ name, type: 'string' as const })),
    partitionColumns: ['topic'],
    commits: [
      { add: [file('topic=rates/part-0.parquet', 'rates', [['fixed', 'Fixed rate', TEXTS.fixed], ['arm', 'Adjustable', TEXTS.adjustable]]), file('topic=fees/part-0.parquet', 'fees', [['points', 'Points', 'too short']])] },
      { remove: ['topic=fees/part-0.parquet'], add: [file('topic=fees/part-1.parquet', 'fees', [['points', 'Points', TEXTS.points]])] },
    ],
  });
}

/** Writes the knowledge table in a scratch folder and uploads it under `prefix`. */
async function uploadKnowledgeTable(store: ObjectStore, prefix: string): Promise<void> {
  const local = await mkdtemp(path.join(tmpdir(), 'apfa-s3-kb-'));
  try {
    await writeKnowledgeTable(local);
    await upload(store, local, prefix);
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}

describe('parseDocumentSourceSpec', () => {
  it('accepts path or key specs, as objects or JSON text', () => {
    expect(parseDocumentSourceSpec({ kind: 'csv', path: 'docs.csv', delimiter: ';' })).toMatchObject({ kind: 'csv', path: 'docs.csv' });
    expect(parseDocumentSourceSpec('{"kind":"delta","key":"tables/kb","columns":{"text":"value","title":null,"idFrom":"content-hash"}}')).toMatchObject({
      kind: 'delta',
      key: 'tables/kb',
      columns: { text: 'value', title: null, idFrom: 'content-hash' },
    });
  });

  it.each([
    [{ kind: 'csv' }, 'path'],
    [{ kind: 'csv', path: 'a.csv', key: 'a.csv' }, 'path'],
    [{ kind: 'xml', path: 'a.xml' }, 'kind'],
    [{ kind: 'parquet', path: 'a.parquet', delimiter: ';' }, 'delimiter'],
    [{ kind: 'delta', key: '/abs' }, 'key'],
    [{ kind: 'csv', path: 'a.csv', columns: { body: 'text' } }, 'columns'],
    [{ kind: 'csv', path: 'a.csv', secret: 'x' }, ''],
  ])('refuses %j with validation-failed naming %s', (spec, field) => {
    let caught: unknown;
    try {
      parseDocumentSourceSpec(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'validation-failed' });
    const errors = (caught as { extensions: { errors: Array<{ path: string }> } }).extensions.errors;
    expect(errors.some((error) => error.path.startsWith(field))).toBe(true);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseDocumentSourceSpec('kind=csv')).toThrow(/not valid JSON/);
  });
});

describe('createDocumentSource', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'apfa-source-factory-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads a local Delta table with text: latest snapshot, partition column, bad rows reported', async () => {
    await writeKnowledgeTable(folder);
    const source = createDocumentSource({ kind: 'delta', path: folder, name: 'kb' });
    const snapshot = await source.read();
    expect(snapshot.name).toBe('kb');
    expect(snapshot.documents.map((document) => document.id).sort()).toEqual(['arm', 'fixed', 'points']);
    expect(snapshot.documents.find((document) => document.id === 'points')?.text).toBe(TEXTS.points);
    expect(snapshot.rejected).toEqual([]);
    const rows = await readDeltaRows(localFileReader(folder));
    expect(rows.rows.map((row) => [row.values['id'], row.values['topic']])).toEqual([['points', 'fees'], ['fixed', 'rates'], ['arm', 'rates']]);
  });

  it('resolves relative paths against baseDir and reads CSV', async () => {
    await writeFile(path.join(folder, 'docs.csv'), `id,title,text\nfixed,Fixed,${TEXTS.fixed}\n`);
    const snapshot = await createDocumentSource({ kind: 'csv', path: 'docs.csv' }, { baseDir: folder }).read();
    expect(snapshot.name).toBe(path.join(folder, 'docs.csv'));
    expect(snapshot.documents.map((document) => document.id)).toEqual(['fixed']);
  });

  it('needs an object store for key specs', () => {
    expect(() => createDocumentSource({ kind: 'csv', key: 'docs.csv' })).toThrow(/object storage/);
  });
});

describe('sources in S3 (s3rver)', () => {
  let s3: RunningS3rver;
  let store: S3ObjectStore;
  beforeAll(async () => {
    s3 = await startS3rver();
    store = new S3ObjectStore(s3.config('apfa-sources'));
  });
  afterAll(async () => {
    await s3.stop();
  });

  it.skipIf(!GOLDEN.present)('reads the deletion-vector table uploaded to S3 → [1..8]', async () => {
    const uploaded = await upload(store, path.join(DELTA, 'table-with-dv-small'), 'tables/dv');
    expect(uploaded).toBe(4);
    const rows = await readDeltaRows(objectStoreFileReader(store, 'tables/dv', 's3://apfa-sources/tables/dv'));
    expect(rows.rows.map((row) => row.values['value'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.skipIf(!GOLDEN.present)('reads the checkpointed and the partitioned tables from S3 like from disk', async () => {
    await upload(store, path.join(DELTA, 'simple_table_with_checkpoint'), 'tables/checkpoint');
    await upload(store, path.join(DELTA, 'delta-0.8.0-partitioned'), 'tables/partitioned');
    const checkpoint = await readDeltaRows(objectStoreFileReader(store, 'tables/checkpoint/', 's3://apfa-sources/tables/checkpoint'));
    expect(checkpoint.rows.map((row) => Number(row.values['version'])).sort((left, right) => left - right)).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const partitioned = await readDeltaRows(objectStoreFileReader(store, 'tables/partitioned', 's3://apfa-sources/tables/partitioned'));
    expect(partitioned.rows.map((row) => row.values['value'])).toEqual(['1', '2', '3', '6', '7', '5', '4']);
  });

  it('builds Delta and CSV sources from key specs; names carry the bucket, never credentials', async () => {
    await uploadKnowledgeTable(store, 'tables/kb');
    await store.put('corpus/docs.csv', new TextEncoder().encode(`id,title,text\nfixed,Fixed,${TEXTS.fixed}\nshort,Short,tiny\n`));

    const delta = await createDocumentSource({ kind: 'delta', key: 'tables/kb/' }, { store }).read();
    expect(delta.name).toBe('s3://apfa-sources/tables/kb');
    expect(delta.documents.map((document) => document.id).sort()).toEqual(['arm', 'fixed', 'points']);

    const csv = await createDocumentSource('{"kind":"csv","key":"corpus/docs.csv"}', { store }).read();
    expect(csv.name).toBe('s3://apfa-sources/corpus/docs.csv');
    expect(csv.documents.map((document) => document.id)).toEqual(['fixed']);
    expect(csv.rejected).toEqual([{ row: 3, reason: expect.stringMatching(/^text \(column text\): Too small/) }]);
    expect(JSON.stringify([delta.name, csv.name])).not.toContain('S3RVER');

    await expect(createDocumentSource({ kind: 'parquet', key: 'corpus/missing.parquet' }, { store }).read()).rejects.toMatchObject({ code: 'not-found' });
  });

  it('surfaces S3 being down as upstream-unavailable from read()', async () => {
    const own = await startS3rver();
    const ownStore = new S3ObjectStore(own.config('apfa-down'));
    await uploadKnowledgeTable(ownStore, 'tables/t');
    const source = createDocumentSource({ kind: 'delta', key: 'tables/t' }, { store: ownStore });
    expect((await source.read()).documents).toHaveLength(3);
    await own.stop();
    await expect(source.read()).rejects.toMatchObject({ code: 'upstream-unavailable' });
  });
});
