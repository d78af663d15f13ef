import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileDocumentSource } from '../../../core/sources/file-document-source.ts';
import { localFileReader, readRequiredFile } from '../../../core/sources/source-file-reader.ts';
import { deltaGoldenTables } from '../../support/fixtures.ts';
import { writeParquet } from './parquet-writer.ts';

/** The delta-rs golden tables, from the fixtures folder: one holds a Parquet file Spark wrote. */
const GOLDEN = deltaGoldenTables();

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'apfa-sources-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const FIXED = 'A fixed-rate mortgage keeps the same interest rate for the whole term.';
const ADJUSTABLE = 'Adjustable-rate mortgages change with an index after the initial period.';

describe('CSV source', () => {
  const csv = [
    'id,title,text,url,tags',
    `loan-1,Fixed rate mortgages,"${FIXED}",https://example.org/fixed,"mortgage, rates"`,
    `loan-2,"Adjustable ""ARM""\nmortgages",${ADJUSTABLE},,`,
    'bad id!,Title,Some long enough text for the document validation.,,',
    'loan-4,Short,too short,,',
    'loan-5,Wrong number of fields',
    'loan-1,Duplicate,This row reuses the id of the first row and must be rejected.,,',
    '',
  ].join('\n');

  it('maps rows to documents and reports bad rows by line without failing the batch', async () => {
    await writeFile(path.join(folder, 'docs.csv'), csv);
    const source = createFileDocumentSource({ format: 'csv', files: localFileReader(folder), path: 'docs.csv' });
    const snapshot = await source.read();
    expect(snapshot.name).toBe(path.join(folder, 'docs.csv'));
    expect(snapshot.documents).toEqual([
      { id: 'loan-1', title: 'Fixed rate mortgages', text: FIXED, url: 'https://example.org/fixed', tags: ['mortgage', 'rates'] },
      { id: 'loan-2', title: 'Adjustable "ARM"\nmortgages', text: ADJUSTABLE },
    ]);
    expect(snapshot.rejected.map((rejected) => rejected.row)).toEqual([5, 6, 7, 8]);
    expect(snapshot.rejected[0]?.reason).toMatch(/^id \(column id\): id may contain/);
    expect(snapshot.rejected[1]?.reason).toMatch(/^text \(column text\): Too small/);
    expect(snapshot.rejected[2]?.reason).toBe('wrong number of fields');
    expect(snapshot.rejected[3]?.reason).toBe('duplicate id loan-1');
  });

  it('reads other headers through a column mapping, with a delimiter and a BOM', async () => {
    await writeFile(path.join(folder, 'kb.csv'), `\uFEFFdoc;headline;body\nk1;Fixed;${FIXED}\nk2;Adjustable;${ADJUSTABLE}\n`);
    const source = createFileDocumentSource({
      format: 'csv',
      files: localFileReader(folder),
      path: 'kb.csv',
      delimiter: ';',
      columns: { id: 'doc', title: 'headline', text: 'body' },
    });
    const snapshot = await source.read();
    expect(snapshot.documents.map((document) => [document.id, document.title])).toEqual([['k1', 'Fixed'], ['k2', 'Adjustable']]);
    expect(snapshot.rejected).toEqual([]);
  });

  it('keeps the snapshot hash while content and mapping stay the same', async () => {
    await writeFile(path.join(folder, 'docs.csv'), csv);
    const read = (columns?: { title: string | null }) =>
      createFileDocumentSource({ format: 'csv', files: localFileReader(folder), path: 'docs.csv', columns }).read();
    const first = await read();
    expect((await read()).snapshot).toBe(first.snapshot);
    expect((await read({ title: null })).snapshot).not.toBe(first.snapshot);
    await writeFile(path.join(folder, 'docs.csv'), `${csv}loan-9,New,${FIXED}\n`);
    expect((await read()).snapshot).not.toBe(first.snapshot);
  });

  it('fails a missing file with not-found', async () => {
    const source = createFileDocumentSource({ format: 'csv', files: localFileReader(folder), path: 'nope.csv' });
    await expect(source.read()).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('JSONL source (row reader shared with CSV and Parquet)', () => {
  it('keeps valid documents and rejects bad JSON, invalid documents, duplicate ids and non-objects by line', async () => {
    const lines = [
      JSON.stringify({ id: 'a', title: 'Fixed', text: FIXED }),
      'not json',
      JSON.stringify({ id: 'b', title: 'Short', text: 'short' }),
      '',
      JSON.stringify({ id: 'a', title: 'Again', text: ADJUSTABLE }),
      JSON.stringify([1, 2]),
      JSON.stringify({ id: 'c', title: 'Adjustable', text: ADJUSTABLE, tags: ['arm'] }),
    ];
    await writeFile(path.join(folder, 'docs.jsonl'), lines.join('\n'));
    const shared = await createFileDocumentSource({ format: 'jsonl', files: localFileReader(folder), path: 'docs.jsonl' }).read();
    expect(shared.documents).toEqual([
      { id: 'a', title: 'Fixed', text: FIXED },
      { id: 'c', title: 'Adjustable', text: ADJUSTABLE, tags: ['arm'] },
    ]);
    expect(shared.rejected.map((rejected) => rejected.row)).toEqual([2, 3, 5, 6]);
    expect(shared.rejected[0]!.reason).toBe('not valid JSON');
    expect(shared.rejected[2]!.reason).toContain('duplicate');
    expect(shared.rejected[3]!.reason).toBe('not a JSON object');
  });
});

describe('Parquet source', () => {
  it('reads a Parquet file with text and int64 ids through a column mapping', async () => {
    await writeFile(
      path.join(folder, 'kb.parquet'),
      writeParquet([
        { name: 'doc_id', type: 'int64', values: [101n, 102n, 103n] },
        { name: 'headline', type: 'string', values: ['Fixed rate', 'Too short', 'Adjustable rate'] },
        { name: 'body', type: 'string', values: [FIXED, 'tiny', ADJUSTABLE] },
      ]),
    );
    const source = createFileDocumentSource({
      format: 'parquet',
      files: localFileReader(folder),
      path: 'kb.parquet',
      columns: { id: 'doc_id', title: 'headline', text: 'body' },
    });
    const snapshot = await source.read();
    expect(snapshot.documents).toEqual([
      { id: '101', title: 'Fixed rate', text: FIXED },
      { id: '103', title: 'Adjustable rate', text: ADJUSTABLE },
    ]);
    expect(snapshot.rejected).toEqual([{ row: 2, reason: expect.stringMatching(/^text \(column body\): Too small/) }]);
  });

  it.skipIf(!GOLDEN.present)('reads a real Spark-written data file: all 10 rows, no deletion vector applied to a plain file', async () => {
    const table = path.join(GOLDEN.path, 'table-with-dv-small');
    const source = createFileDocumentSource({
      format: 'parquet',
      files: localFileReader(table),
      path: 'part-00000-fae5310a-a37d-4e51-827b-c3d5516560ca-c000.snappy.parquet',
      columns: { text: 'value', title: null, idFrom: 'content-hash' },
    });
    const snapshot = await source.read();
    // Single-digit values are far below the 20-character minimum: every row is reported, none fails the read.
    expect(snapshot.documents).toEqual([]);
    expect(snapshot.rejected.map((rejected) => rejected.row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(snapshot.rejected[0]?.reason).toMatch(/^text \(column value\): Too small/);
  });

  it('derives ids from content and titles from text when the table has neither', async () => {
    await writeFile(path.join(folder, 'texts.parquet'), writeParquet([{ name: 'value', type: 'string', values: [FIXED, ADJUSTABLE, FIXED] }]));
    const source = createFileDocumentSource({
      format: 'parquet',
      files: localFileReader(folder),
      path: 'texts.parquet',
      columns: { text: 'value', title: null, idFrom: 'content-hash' },
    });
    const snapshot = await source.read();
    expect(snapshot.documents.map((document) => document.title)).toEqual([FIXED, ADJUSTABLE]);
    expect(snapshot.documents[0]?.id).toMatch(/^doc-[0-9a-f]{16}$/);
    expect(snapshot.rejected).toEqual([{ row: 3, reason: expect.stringMatching(/^duplicate id doc-/) }]);
  });

  it('refuses a file that is not Parquet with validation-failed', async () => {
    await writeFile(path.join(folder, 'broken.parquet'), 'PAR1 this is not parquet PAR1');
    const source = createFileDocumentSource({ format: 'parquet', files: localFileReader(folder), path: 'broken.parquet' });
    await expect(source.read()).rejects.toMatchObject({ code: 'validation-failed', message: expect.stringMatching(/not a readable Parquet file/) });
  });
});

describe('source file size limit', () => {
  it('refuses a file over the limit with payload-too-large', async () => {
    await writeFile(path.join(folder, 'big.csv'), 'x'.repeat(2048));
    await expect(readRequiredFile(localFileReader(folder), 'big.csv', 1024)).rejects.toMatchObject({ code: 'payload-too-large' });
    expect((await readRequiredFile(localFileReader(folder), 'big.csv', 4096)).byteLength).toBe(2048);
  });
});
