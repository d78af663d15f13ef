/** The SQL surface core needs; implemented by PGlite (embedded) and node-postgres. */
export interface SqlClient {
  readonly kind: 'pglite' | 'postgres';
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /** Runs fn inside one transaction on one connection. */
  transaction<T>(fn: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
