import pg from 'pg';
import type { SqlClient } from '../ports/sql-client.ts';

export interface PostgresClientOptions {
  connectionString: string;
  /** Schema to keep every table in; created when missing and put first on each connection's search_path. */
  schema?: string;
  /** Most connections the pool opens. */
  max?: number;
  /** Told about errors on idle pooled connections (the pool has already dropped them). */
  onIdleError?: (error: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type PgQueryable = Pick<pg.PoolClient, 'query'>;

/** node-postgres answers multi-statement text (no parameters) with one result per statement; keep the last. */
async function run<Row>(target: PgQueryable, sql: string, params: readonly unknown[] | undefined): Promise<{ rows: Row[] }> {
  const result = (await target.query(sql, params === undefined ? undefined : [...params])) as pg.QueryResult | pg.QueryResult[];
  const last = Array.isArray(result) ? result.at(-1) : result;
  return { rows: (last?.rows ?? []) as Row[] };
}

async function ensureSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two processes creating the schema at once: the loser hits the catalog's unique index.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}

/**
 * SqlClient over a node-postgres pool. With `schema`, the schema is created when missing and
 * every new connection starts with `search_path` set to it (a connection startup option, so
 * no query can run before it applies).
 */
export async function createPostgresClient(options: PostgresClientOptions): Promise<SqlClient> {
  const { connectionString, schema, max = 10 } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and _ (not starting with a digit)`);
  }
  if (!Number.isInteger(max) || max < 1) throw new Error(`Invalid pool size ${max}: use an integer of at least 1`);
  if (schema !== undefined) await ensureSchema(connectionString, schema);

  const pool = new pg.Pool({ connectionString, max, ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }) });
  // Without a listener an idle connection's error (e.g. a server restart) would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  let closed = false;

  return {
    kind: 'postgres',
    async query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
      return run<Row>(pool, sql, params);
    },
    async transaction<T>(fn: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: <Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => run<Row>(client, sql, params),
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable; destroy it rather than return it to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
