import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SqlClient } from '../../../core/ports/sql-client.ts';
import { migrate } from '../../../core/storage/migrations/index.ts';
import { createPgliteClient } from '../../../core/storage/pglite-client.ts';
import { createPostgresClient } from '../../../core/storage/postgres-client.ts';

/** The local PostgreSQL the suites run against (trust auth); each opened database is a fresh schema in it. */
export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface OpenedDatabase {
  sql: SqlClient;
  /** Postgres only: the schema holding this database's tables. */
  schema?: string;
  /** Another client on the same database (Postgres: a second pool on the schema; PGlite: the same client). */
  openAnother(): Promise<SqlClient>;
  /** Closes every client and drops the schema. */
  close(): Promise<void>;
}

export interface SqlAdapter {
  name: 'pglite' | 'postgres';
  open(): Promise<OpenedDatabase>;
}

export const randomSchemaName = (): string => `apfa_test_${randomBytes(6).toString('hex')}`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

const pglite: SqlAdapter = {
  name: 'pglite',
  async open() {
    const sql = await createPgliteClient();
    return { sql, openAnother: async () => sql, close: () => sql.close() };
  },
};

const postgres: SqlAdapter = {
  name: 'postgres',
  async open() {
    const schema = randomSchemaName();
    const clients: SqlClient[] = [];
    const openClient = async () => {
      const client = await createPostgresClient({ connectionString: TEST_DATABASE_URL, schema, max: 4 });
      clients.push(client);
      return client;
    };
    const sql = await openClient();
    return {
      sql,
      schema,
      openAnother: openClient,
      async close() {
        for (const client of clients) await client.close();
        await dropSchema(schema);
      },
    };
  },
};

/** Every SqlClient adapter; contract suites run `describe.each(sqlAdapters)`. */
export const sqlAdapters: SqlAdapter[] = [pglite, postgres];

/** Opens a fresh database with all migrations applied. */
export async function openMigrated(adapter: SqlAdapter): Promise<OpenedDatabase> {
  const database = await adapter.open();
  await migrate(database.sql);
  return database;
}
