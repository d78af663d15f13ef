import type { SqlClient } from '../../ports/sql-client.ts';
import { authTables } from './0001-auth-tables.ts';
import { adminTables } from './0002-admin-tables.ts';
import { userTokenEpoch } from './0003-user-token-epoch.ts';
import { loginThrottle } from './0004-login-throttle.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

/** Every migration, oldest first. Append only: never edit one that has shipped. */
export const migrations: readonly Migration[] = [authTables, adminTables, userTokenEpoch, loginThrottle];

// Per schema, so databases that hold several APFA schemas (tests) do not wait on each other.
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('apfa:migrations:' || coalesce(current_schema(), '')))`;
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

function assertOrdered(list: readonly Migration[]): void {
  let previous = 0;
  for (const migration of list) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(`Migration versions must be positive integers in increasing order; ${migration.version} (${migration.name}) follows ${previous}`);
    }
    previous = migration.version;
  }
}

/**
 * Brings the schema up to date: applies each missing migration in order, each in its own
 * transaction together with its schema_migrations row. Safe to run again (applies nothing) and
 * from several processes at once on Postgres (a transaction-scoped advisory lock serialises
 * them; the loser re-checks and skips). Returns the versions this call applied.
 */
export async function migrate(sql: SqlClient, list: readonly Migration[] = migrations): Promise<{ applied: number[] }> {
  assertOrdered(list);
  const done = await sql.transaction(async (tx) => {
    await tx.query(LOCK);
    const { rows } = await tx.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
    if (!rows[0]?.present) await tx.query(CREATE_TABLE);
    const applied = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    return new Set(applied.rows.map((row) => row.version));
  });

  const applied: number[] = [];
  for (const migration of list) {
    if (done.has(migration.version)) continue;
    const appliedNow = await sql.transaction(async (tx) => {
      await tx.query(LOCK);
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (existing.rows.length > 0) return false;
      await tx.query(migration.up);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (appliedNow) applied.push(migration.version);
  }
  return { applied };
}
