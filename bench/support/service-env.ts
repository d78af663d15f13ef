/**
 * The environment of a `core/main.ts` process a bench starts: its own data folder, PostgreSQL
 * schema, Redis key prefix and corpus, the lexical embedder, no edge signature (the bench calls the
 * API directly), no scheduled jobs or history retention to disturb the figures, and a JSON log at
 * info (the benches read its 'index loaded' / 'index swapped' lines). `extra` adds or overrides.
 */
export function benchServiceEnv(
  service: { dataDir: string; adminPassword: string; databaseUrl: string; schema: string; redisUrl: string; keyPrefix: string; corpusPath: string },
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    APFA_DATA_DIR: service.dataDir,
    APFA_ADMIN_PASSWORD: service.adminPassword,
    DATABASE_URL: service.databaseUrl,
    DATABASE_SCHEMA: service.schema,
    REDIS_URL: service.redisUrl,
    KEY_PREFIX: service.keyPrefix,
    CORPUS_PATH: service.corpusPath,
    EMBEDDER: 'lexical',
    REQUIRE_EDGE_SIGNATURE: 'false',
    SCHEDULE_RESYNC: 'off',
    SCHEDULE_CLEANUP: 'off',
    SCHEDULE_STATS: 'off',
    HISTORY_RETENTION_DAYS: '0',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ...extra,
  };
}
