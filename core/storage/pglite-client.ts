import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite, type Results } from '@electric-sql/pglite';
import type { SqlClient } from '../ports/sql-client.ts';
import { ensureOwnerOnlyDirectory, restrictTree } from './owner-only.ts';

export interface PgliteClientOptions {
  /** Folder for a persistent database; undefined keeps it in memory (lost on close). */
  dataDir?: string;
  /** How often the files of a persistent database are made owner-only again (default 10 s). */
  restrictEveryMs?: number;
}

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/**
 * Without parameters the text may hold several statements (migrations); PGlite's extended
 * protocol refuses that, so such text goes through the simple protocol, like node-postgres does.
 */
async function run<Row>(target: Queryable, sql: string, params: readonly unknown[] | undefined): Promise<{ rows: Row[] }> {
  if (params === undefined || params.length === 0) {
    const results: Results[] = await target.exec(sql);
    return { rows: (results.at(-1)?.rows ?? []) as Row[] };
  }
  const result = await target.query<Row>(sql, [...params]);
  return { rows: result.rows };
}

/**
 * SqlClient over embedded PGlite (one connection). PGlite queues every query behind a running
 * transaction, so transactions are serialised; a call on the client itself from inside
 * `transaction(fn)` would wait forever, so it is refused instead.
 */
export async function createPgliteClient(options: PgliteClientOptions = {}): Promise<SqlClient> {
  const { dataDir } = options;
  // The folder is 0700 before PGlite writes into it: nothing inside is reachable by other users.
  if (dataDir !== undefined) ensureOwnerOnlyDirectory(dataDir);
  const database = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  // PGlite's file system creates files 0666 whatever the umask (WAL with password hashes and
  // signing keys among them): take group/other bits away now, every few seconds and on close.
  const restrict = () => {
    if (dataDir !== undefined) restrictTree(dataDir);
  };
  restrict();
  const sweeper = dataDir === undefined ? undefined : setInterval(restrict, options.restrictEveryMs ?? 10_000);
  sweeper?.unref();
  const insideTransaction = new AsyncLocalStorage<true>();
  let closed = false;

  const guard = (operation: string) => {
    if (closed) throw new Error(`PGlite client is closed (${operation})`);
    if (insideTransaction.getStore()) {
      throw new Error(`PGlite has one connection: use the transaction's tx.query, not the client's ${operation}, inside transaction()`);
    }
  };

  return {
    kind: 'pglite',
    async query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
      guard('query');
      return run<Row>(database, sql, params);
    },
    async transaction<T>(fn: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T> {
      guard('transaction');
      return database.transaction((tx) =>
        insideTransaction.run(true, () =>
          fn({
            query: <Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => run<Row>(tx, sql, params),
          }),
        ),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      await database.close();
      restrict();
    },
  };
}
