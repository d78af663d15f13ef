/**
 * Job ids: deterministic, so adding the same work twice is a no-op (BullMQ ignores an existing
 * id; the in-process runner does the same). BullMQ refuses ':' in custom ids, hence '.'.
 */
export const jobIds = {
  embedBatch: (run: string, batch: number) => `embed-batch.${run}.${batch}`,
  buildIndex: (run: string) => `build-index.${run}`,
  publish: (run: string) => `publish.${run}`,
  rollback: (version: string, at: number) => `publish.${version}.${at}`,
  ingest: (source: string, at: number) => `ingest.${safe(source)}.${at}`,
  /** The merge of a segmented chain (a forced full build): one per base. */
  merge: (base: string) => `ingest.merge.${base}`,
  cleanup: (at: number) => `cleanup.${at}`,
  stats: (at: number) => `stats.${at}`,
};

function safe(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}
