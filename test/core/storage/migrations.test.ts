import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrations, type Migration } from '../../../core/storage/migrations/index.ts';
import { createPostgresClient } from '../../../core/storage/postgres-client.ts';
import { dropSchema, randomSchemaName, sqlAdapters, TEST_DATABASE_URL, type OpenedDatabase } from './sql-adapters.ts';

const latest = migrations.at(-1)?.version ?? 0;

describe.each(sqlAdapters)('migrations on $name', (adapter) => {
  let database: OpenedDatabase;

  beforeAll(async () => {
    database = await adapter.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('applies every migration on an empty database, then nothing on the next runs', async () => {
    expect(await migrate(database.sql)).toEqual({ applied: migrations.map((migration) => migration.version) });
    expect(await migrate(database.sql)).toEqual({ applied: [] });
    expect(await migrate(database.sql)).toEqual({ applied: [] });
    const { rows } = await database.sql.query<{ version: number; name: string; applied_at: Date }>(
      'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
    );
    expect(rows.map(({ version, name }) => ({ version, name }))).toEqual(migrations.map(({ version, name }) => ({ version, name })));
    for (const row of rows) expect(row.applied_at).toBeInstanceOf(Date);
  });

  it('creates the auth tables with their constraints', async () => {
    const { rows } = await database.sql.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
    );
    expect(rows.map((row) => row.name)).toEqual(['advice_history', 'audit_log', 'login_throttle', 'refresh_tokens', 'schema_migrations', 'signing_keys', 'users']);
    await expect(database.sql.query("INSERT INTO users (username, password_hash, role) VALUES ('x', 'h', 'root')")).rejects.toMatchObject({ code: '23514' });
    await expect(database.sql.query("INSERT INTO users (username, password_hash, role) VALUES ('MixedCase', 'h', 'user')")).rejects.toMatchObject({ code: '23514' });
    const user = await database.sql.query<{ id: string; disabled: boolean }>(
      "INSERT INTO users (username, password_hash, role) VALUES ('plain', 'h', 'user') RETURNING id, disabled",
    );
    expect(user.rows[0]?.disabled).toBe(false);
    const audit = await database.sql.query<{ id: unknown; details: unknown; at: Date }>(
      "INSERT INTO audit_log (action, outcome) VALUES ('user.create', 'success') RETURNING id, details, at",
    );
    expect(audit.rows[0]?.details).toEqual({});
    expect(audit.rows[0]?.at).toBeInstanceOf(Date);
  });

  it('records nothing from a migration that fails part-way', async () => {
    const broken: Migration = { version: latest + 1, name: 'broken', up: 'CREATE TABLE half_done (id int); SELECT no_such_function();' };
    await expect(migrate(database.sql, [...migrations, broken])).rejects.toThrow(/no_such_function/);
    expect((await database.sql.query("SELECT to_regclass('half_done') IS NULL AS missing")).rows).toEqual([{ missing: true }]);
    expect((await database.sql.query('SELECT version FROM schema_migrations WHERE version = $1', [broken.version])).rows).toEqual([]);
  });

  it('applies a later migration alone', async () => {
    const next: Migration = { version: latest + 1, name: 'add-notes', up: 'CREATE TABLE notes (id int); CREATE INDEX notes_id_idx ON notes (id);' };
    expect(await migrate(database.sql, [...migrations, next])).toEqual({ applied: [next.version] });
    expect(await migrate(database.sql, [...migrations, next])).toEqual({ applied: [] });
  });

  it('refuses a list out of version order', async () => {
    const [first] = migrations;
    if (!first) throw new Error('no migrations');
    await expect(migrate(database.sql, [first, { ...first, name: 'again' }])).rejects.toThrow(/increasing order/);
  });
});

describe('migrations on postgres from several processes at once', () => {
  const schema = randomSchemaName();
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('applies each migration exactly once', async () => {
    const clients = await Promise.all(
      Array.from({ length: 4 }, () => createPostgresClient({ connectionString: TEST_DATABASE_URL, schema, max: 2 })),
    );
    try {
      const results = await Promise.all(clients.map((client) => migrate(client)));
      expect(results.flatMap((result) => result.applied).sort((a, b) => a - b)).toEqual(migrations.map((migration) => migration.version));
      const first = clients[0];
      if (!first) throw new Error('no client');
      const { rows } = await first.query<{ count: number }>('SELECT count(*)::int AS count FROM schema_migrations');
      expect(rows[0]?.count).toBe(migrations.length);
    } finally {
      for (const client of clients) await client.close();
    }
  });
});
