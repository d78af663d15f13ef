import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlAdapters } from '../storage/sql-adapters.ts';
import { writeParquet } from '../sources/parquet-writer.ts';
import { bearer, createAdminHarness, expectProblemShape, type AdminHarness, type SignedIn } from './support/admin-harness.ts';

type Rejected = { index: number; row?: number; id: string | null; errors: { path: string; message: string }[] };
type UploadResult = { accepted: { id: string }[]; rejected: Rejected[]; syncJobId: string | null };

const TEXT = 'An escrow account holds money for property taxes and homeowners insurance, paid with the monthly mortgage payment.';
/** A CSV field, quoted (RFC 4180: quotes doubled). */
const quoted = (value: string) => `"${value.replaceAll('"', '""')}"`;
const pglite = sqlAdapters.find((adapter) => adapter.name === 'pglite')!;

describe('POST /admin/documents with a file body (CSV, JSONL, Parquet)', () => {
  let harness: AdminHarness;
  let admin: SignedIn;
  let advisor: SignedIn;

  beforeAll(async () => {
    harness = await createAdminHarness(pglite);
    [admin, advisor] = await Promise.all([harness.signIn('admin'), harness.signIn('financial_advisor')]);
  });
  afterAll(async () => harness?.close());

  const upload = (body: string | Uint8Array<ArrayBuffer>, contentType: string, query = '?sync=false', signedIn = admin) =>
    harness.app.request(`/admin/documents${query}`, { method: 'POST', headers: { 'content-type': contentType, ...bearer(signedIn.accessToken) }, body });
  const ok = async (response: Response): Promise<UploadResult> => {
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as UploadResult;
  };
  const problem = async (response: Response, status: number, code: string) => {
    expect(response.status, await response.clone().text()).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await expectProblemShape(response);
    expect(body.code).toBe(code);
    return body as Record<string, unknown>;
  };
  /** True when the uploaded document is stored (deleting it answers 200; it is put back by the next upload). */
  const stored = async (id: string) => {
    const response = await harness.app.request(`/admin/documents/${encodeURIComponent(id)}?sync=false`, { method: 'DELETE', headers: bearer(admin.accessToken) });
    await response.arrayBuffer();
    return response.status === 200;
  };

  it('reads CSV (RFC 4180: quoted commas, escaped quotes, line breaks in a field, CRLF), rejecting rows by line number', async () => {
    const csv = [
      'id,title,text,tags',
      `csv/escrow,"Escrow, explained","${TEXT} He said ""escrow"" twice.",escrow`,
      `csv/points,Discount points,"Discount points lower the interest rate\r\nin exchange for a fee paid at closing.","points, fees"`,
      'csv/short,Short,Too short.,',
      'csv/fields,Too many,fields,here,and,there',
      `csv/escrow,Duplicate,${quoted(TEXT)},`,
      `bad id,Bad id,${quoted(TEXT)},`,
    ].join('\r\n');
    const result = await ok(await upload(csv, 'text/csv; charset=utf-8'));
    expect(result.accepted).toEqual([{ id: 'csv/escrow' }, { id: 'csv/points' }]);
    expect(result.syncJobId).toBeNull();
    // The points record spans lines 3 and 4: the rows after it are numbered by the line they end on.
    expect(result.rejected.map((row) => [row.row, row.id, row.errors[0]?.path, row.errors[0]?.message.slice(0, 22)])).toEqual([
      [5, 'csv/short', 'text', expect.any(String)],
      [6, null, '', 'wrong number of fields'],
      [7, 'csv/escrow', 'id', 'the same id appears ea'],
      [8, 'bad id', 'id', expect.any(String)],
    ]);
    expect(result.rejected.map((row) => row.index)).toEqual([4, 5, 6, 7]);
    expect(await stored('csv/escrow')).toBe(true);
    expect(await stored('csv/points')).toBe(true);
  });

  it('reads JSON Lines as a file: unreadable lines and invalid documents rejected by line', async () => {
    const jsonl = [
      JSON.stringify({ id: 'jsonl/one', title: 'One', text: TEXT, url: 'https://example.com/one', tags: ['escrow'] }),
      '',
      '{not json',
      JSON.stringify([1, 2]),
      JSON.stringify({ id: 'jsonl/two', title: 'Two', text: 'short' }),
    ].join('\n');
    const result = await ok(await upload(jsonl, 'application/x-ndjson'));
    expect(result.accepted).toEqual([{ id: 'jsonl/one' }]);
    expect(result.rejected.map((row) => [row.row, row.id, row.errors[0]?.message])).toEqual([
      [3, null, 'not valid JSON'],
      [4, null, 'not a JSON object'],
      [5, 'jsonl/two', expect.any(String)],
    ]);
    expect(await stored('jsonl/one')).toBe(true);
  });

  it('reads Parquet (columns id, title, text): rows rejected by row number', async () => {
    const parquet = writeParquet([
      { name: 'id', type: 'string', values: ['parquet/one', 'parquet/two', 'parquet/three'] },
      { name: 'title', type: 'string', values: ['One', 'Two', 'Three'] },
      { name: 'text', type: 'string', values: [TEXT, 'short', `${TEXT} Third.`] },
    ]);
    const result = await ok(await upload(parquet.slice(), 'application/vnd.apache.parquet'));
    expect(result.accepted).toEqual([{ id: 'parquet/one' }, { id: 'parquet/three' }]);
    expect(result.rejected.map((row) => [row.row, row.id, row.errors[0]?.path])).toEqual([[2, 'parquet/two', 'text']]);
    await problem(await upload(new Uint8Array([1, 2, 3, 4]), 'application/vnd.apache.parquet'), 422, 'validation-failed');
  });

  it('starts a sync unless ?sync=false, and refuses what it cannot read as problem+json', async () => {
    const synced = await ok(await upload(`id,title,text\ncsv/synced,Synced,${quoted(TEXT)}\n`, 'text/csv', ''));
    expect(synced.syncJobId).toMatch(/^ingest\.corpus\./);

    const noText = await problem(await upload('id,title,body\ncsv/x,X,whatever text that is long enough\n', 'text/csv'), 422, 'validation-failed');
    expect(String(noText.detail)).toContain('"text" column');
    const none = await problem(await upload('id,title,text\ncsv/x,X,short\n', 'text/csv'), 422, 'validation-failed');
    expect((none.rejected as Rejected[]).map((row) => row.row)).toEqual([2]);
    const many = ['id,title,text', ...Array.from({ length: 501 }, (_, row) => `csv/many-${row},Many,${quoted(TEXT)}`)].join('\n');
    await problem(await upload(many, 'text/csv'), 422, 'validation-failed');
    await problem(await upload(`id,title,text\ncsv/q,Q,${quoted(TEXT)}\n`, 'text/csv', '?sync=maybe'), 422, 'validation-failed');
    await problem(await upload(`id,title,text\ncsv/q,Q,${quoted(TEXT)}\n`, 'text/csv', '?sync=false&other=1'), 422, 'validation-failed');
    await problem(await upload('id,title,text\n', 'text/plain'), 415, 'unsupported-media-type');
    await problem(await upload(`id,title,text\ncsv/q,Q,${quoted(TEXT)}\n`, 'text/csv', '?sync=false', advisor), 403, 'forbidden');
    // The JSON body still works as before, its `sync` in the body.
    const json = await ok(await harness.app.request('/admin/documents', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(admin.accessToken) },
      body: JSON.stringify({ documents: [{ id: 'json/one', title: 'One', text: TEXT }], sync: false }),
    }));
    expect(json).toEqual({ accepted: [{ id: 'json/one' }], rejected: [], syncJobId: null });
  });
});
