import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteClient } from '../../../core/storage/pglite-client.ts';
import { createPostgresClient } from '../../../core/storage/postgres-client.ts';
import { dropSchema, randomSchemaName, sqlAdapters, TEST_DATABASE_URL, type OpenedDatabase } from './sql-adapters.ts';

describe.each(sqlAdapters)('SqlClient contract on $name', (adapter) => {
  let database: OpenedDatabase;

  beforeAll(async () => {
    database = await adapter.open();
    await database.sql.query('CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL UNIQUE, data jsonb, at timestamptz DEFAULT now())');
    await database.sql.query('CREATE TABLE counters (name text PRIMARY KEY, value integer NOT NULL)');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reports its kind', () => {
    expect(database.sql.kind).toBe(adapter.name);
  });

  it('binds parameters and parses uuid, timestamptz, jsonb, boolean and integer columns', async () => {
    const when = new Date('2025-01-02T03:04:05.000Z');
    const { rows } = await database.sql.query<{ id: string; at: Date; data: unknown; flag: boolean; n: number; text: string }>(
      'SELECT gen_random_uuid() AS id, $1::timestamptz AS at, $2::jsonb AS data, $3::boolean AS flag, $4::int AS n, $5::text AS text',
      [when, JSON.stringify({ list: [1, 'two'] }), true, 42, "it's"],
    );
    const row = rows[0];
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.at).toBeInstanceOf(Date);
    expect(row?.at.toISOString()).toBe(when.toISOString());
    expect(row?.data).toEqual({ list: [1, 'two'] });
    expect(row?.flag).toBe(true);
    expect(row?.n).toBe(42);
    expect(row?.text).toBe("it's");
  });

  it('runs text with several statements when there are no parameters, returning the last rows', async () => {
    const { rows } = await database.sql.query("INSERT INTO items (name) VALUES ('multi-a'); INSERT INTO items (name) VALUES ('multi-b'); SELECT name FROM items WHERE name LIKE 'multi-%' ORDER BY name");
    expect(rows).toEqual([{ name: 'multi-a' }, { name: 'multi-b' }]);
  });

  it('commits a transaction and returns its value', async () => {
    const value = await database.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO items (name) VALUES ($1)', ['committed']);
      const { rows } = await tx.query<{ count: number }>("SELECT count(*)::int AS count FROM items WHERE name = 'committed'");
      return rows[0]?.count;
    });
    expect(value).toBe(1);
    const { rows } = await database.sql.query('SELECT name FROM items WHERE name = $1', ['committed']);
    expect(rows).toHaveLength(1);
  });

  it('rolls back every statement of a transaction that throws, and rethrows', async () => {
    const failure = new Error('stop here');
    await expect(
      database.sql.transaction(async (tx) => {
        await tx.query('INSERT INTO items (name) VALUES ($1)', ['rolled-back']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const { rows } = await database.sql.query('SELECT name FROM items WHERE name = $1', ['rolled-back']);
    expect(rows).toHaveLength(0);
  });

  it('rolls back when a statement fails, keeping the client usable', async () => {
    await database.sql.query("INSERT INTO items (name) VALUES ('taken')");
    await expect(
      database.sql.transaction(async (tx) => {
        await tx.query("INSERT INTO items (name) VALUES ('fresh-in-failed-tx')");
        await tx.query("INSERT INTO items (name) VALUES ('taken')");
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await database.sql.query("SELECT name FROM items WHERE name = 'fresh-in-failed-tx'");
    expect(rows).toHaveLength(0);
  });

  it('keeps concurrent read-modify-write transactions consistent', async () => {
    await database.sql.query("INSERT INTO counters (name, value) VALUES ('hits', 0)");
    await Promise.all(
      Array.from({ length: 8 }, () =>
        database.sql.transaction(async (tx) => {
          const { rows } = await tx.query<{ value: number }>("SELECT value FROM counters WHERE name = 'hits' FOR UPDATE");
          await tx.query("UPDATE counters SET value = $1 WHERE name = 'hits'", [(rows[0]?.value ?? 0) + 1]);
        }),
      ),
    );
    const { rows } = await database.sql.query<{ value: number }>("SELECT value FROM counters WHERE name = 'hits'");
    expect(rows[0]?.value).toBe(8);
  });
});

describe('PGlite client', () => {
  it('refuses a query on the client from inside its own transaction instead of hanging', async () => {
    const sql = await createPgliteClient();
    try {
      await expect(sql.transaction(async () => sql.query('SELECT 1'))).rejects.toThrow(/one connection/);
      expect((await sql.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await sql.close();
    }
  });

  it('keeps data in a dataDir across close and reopen', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'apfa-pglite-'));
    try {
      const first = await createPgliteClient({ dataDir });
      await first.query('CREATE TABLE kept (value text)');
      await first.query('INSERT INTO kept VALUES ($1)', ['still here']);
      await first.close();
      const second = await createPgliteClient({ dataDir });
      try {
        expect((await second.query('SELECT value FROM kept')).rows).toEqual([{ value: 'still here' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Postgres client', () => {
  it('creates the schema when missing and keeps tables in it on every pooled connection', async () => {
    const schema = randomSchemaName();
    const sql = await createPostgresClient({ connectionString: TEST_DATABASE_URL, schema, max: 3 });
    try {
      await sql.query('CREATE TABLE placed (id int)');
      const schemas = await Promise.all(
        Array.from({ length: 6 }, () =>
          sql.transaction(async (tx) => (await tx.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema),
        ),
      );
      expect(new Set(schemas)).toEqual(new Set([schema]));
      const { rows } = await sql.query('SELECT table_schema FROM information_schema.tables WHERE table_name = $1 AND table_schema = $2', ['placed', schema]);
      expect(rows).toHaveLength(1);
    } finally {
      await sql.close();
      await dropSchema(schema);
    }
  });

  it('rejects a schema name that would need quoting', async () => {
    await expect(createPostgresClient({ connectionString: TEST_DATABASE_URL, schema: 'Bad-Name; DROP' })).rejects.toThrow(/Invalid schema name/);
  });

  it('creates the same schema from two clients at once', async () => {
    const schema = randomSchemaName();
    const clients = await Promise.all([0, 1].map(() => createPostgresClient({ connectionString: TEST_DATABASE_URL, schema, max: 1 })));
    try {
      for (const client of clients) expect((await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema).toBe(schema);
    } finally {
      for (const client of clients) await client.close();
      await dropSchema(schema);
    }
  });
});
