import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeCacheCounterKeys } from '../../../shared/cache/edge-cache-counter-keys.ts';
import { getToken, startCore, type StartedCore } from '../../support/start-core.ts';

/** `# TYPE` lines of the scrape: family name → type (Node process defaults, apfa_process_*, left out). */
function families(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (apfa_\S+) (\S+)$/gm)) if (!match[1]!.startsWith('apfa_process_')) found.set(match[1]!, match[2]!);
  return found;
}

/** The value of the first sample line starting with `prefix` (name and labels), or undefined. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const prefix = `test-metrics-${process.pid}-${Date.now()}:`;
let core: StartedCore;
let redis: Redis;
let scrape: string;

// One real core (BullMQ on Redis, the index searched on a worker thread), driven through one
// advice call, one streamed answer and one forced sync; every family is read from /metrics.
beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379');
  core = await startCore({ REDIS_URL: 'redis://127.0.0.1:6379', KEY_PREFIX: prefix, REQUIRE_EDGE_SIGNATURE: 'false', SEARCH_WORKER_MIN_VECTORS: '1', RETRIEVAL: 'hybrid' });
  const counters = edgeCacheCounterKeys(prefix);
  await redis.set(counters.hit, '7');
  await redis.set(counters.miss, '3');
  const token = await getToken(core.url, 'admin', core.adminPassword);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const body = JSON.stringify({ query: 'What is PMI and when can I drop it?' });
  expect((await fetch(`${core.url}/v1/advice`, { method: 'POST', headers, body })).status).toBe(200);
  const stream = await fetch(`${core.url}/v1/advice/stream`, { method: 'POST', headers, body });
  await stream.text();
  const sync = await fetch(`${core.url}/admin/jobs/sync`, { method: 'POST', headers, body: JSON.stringify({ source: 'corpus', mode: 'force' }) });
  expect(sync.status).toBe(202);
  // The forced sync ends in a publish (of the same version when the corpus did not change): wait for it.
  const deadline = Date.now() + 60_000;
  do {
    scrape = await (await fetch(`${core.url}/metrics`)).text();
    if ((sample(scrape, 'apfa_jobs_total{queue="indexing",name="publish",outcome="completed"}') ?? 0) >= 2) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() < deadline);
}, 120_000);

afterAll(async () => {
  await core?.stop();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('core /metrics after one advice call, one stream and one sync', () => {
  it('exports at least 30 apfa_* families of its own, each with the type its name promises', () => {
    const found = families(scrape);
    expect(found.size).toBeGreaterThanOrEqual(30);
    for (const [name, type] of found) {
      if (name.endsWith('_total')) expect(type, name).toBe('counter');
      if (name.endsWith('_seconds') && !name.startsWith('apfa_index_age')) expect(type, name).toBe('histogram');
    }
    expect(scrape).toMatch(/^# TYPE apfa_process_\w*cpu_seconds_total counter$/m);
  });

  it('HTTP: requests by method/route/status, latency by route, in flight', () => {
    expect(sample(scrape, 'apfa_requests_total{method="POST",route="/v1/advice",status="200"}')).toBe(1);
    expect(sample(scrape, 'apfa_response_time_seconds_count{method="POST",route="/v1/advice"}')).toBe(1);
    // The scrape itself is in flight while it is collected.
    expect(sample(scrape, 'apfa_requests_in_flight')).toBeGreaterThanOrEqual(1);
  });

  it('advice: stage durations, answers by generator and outcome, first token, semantic cache', () => {
    for (const stage of ['embed', 'search', 'generate', 'bias']) expect(sample(scrape, `apfa_pipeline_stage_seconds_count{stage="${stage}"}`), stage).toBeGreaterThanOrEqual(2);
    const answered = scrape.split('\n').filter((line) => line.startsWith('apfa_answers_total{generator="extractive-v1"'));
    expect(answered.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0)).toBe(2);
    expect(sample(scrape, 'apfa_generation_first_token_seconds_count')).toBe(1);
    expect(scrape).toContain('apfa_semantic_cache_lookups_total{result="hit"} 0');
    expect(sample(scrape, 'apfa_fairness_counterfactual_runs_total{outcome="skipped"}')).toBeGreaterThanOrEqual(1);
  });

  it('edge answer cache: the Redis counters as Prometheus counters', () => {
    expect(scrape).toMatch(/^# TYPE apfa_cache_hits_total counter$/m);
    expect(scrape).toMatch(/^# TYPE apfa_cache_misses_total counter$/m);
    expect(sample(scrape, 'apfa_cache_hits_total')).toBe(7);
    expect(sample(scrape, 'apfa_cache_misses_total')).toBe(3);
  });

  it('index: live version info and age, vectors, memory, search latency, swaps, thresholds, urgency', () => {
    expect(scrape).toMatch(/^apfa_index_info\{version="[0-9a-f]{16}",kind="Flat"\} 1$/m);
    expect(sample(scrape, 'apfa_index_age_seconds')).toBeGreaterThanOrEqual(0);
    const vectors = sample(scrape, 'apfa_index_vector_count')!;
    expect(vectors).toBeGreaterThan(0);
    expect(sample(scrape, 'apfa_index_memory_bytes')).toBeGreaterThanOrEqual(vectors * 4);
    expect(sample(scrape, 'apfa_faiss_search_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(scrape, 'apfa_index_swaps_total{outcome="success"}')).toBeGreaterThanOrEqual(1);
    expect(sample(scrape, 'apfa_index_swaps_total{outcome="failure"}')).toBe(0);
    expect(sample(scrape, 'apfa_index_swap_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(scrape, 'apfa_index_migration_threshold_vectors{level="warning"}')).toBe(400_000);
    expect(sample(scrape, 'apfa_index_migration_threshold_vectors{level="critical"}')).toBe(500_000);
    expect(sample(scrape, 'apfa_index_migration_urgency')).toBeGreaterThanOrEqual(0);
  });

  it('jobs: queue depth by queue and state, live workers from Redis, durations and outcomes, embedding batches', () => {
    for (const queue of ['embedding', 'indexing', 'maintenance']) {
      expect(sample(scrape, `apfa_queue_depth{queue="${queue}",state="waiting"}`), queue).toBeGreaterThanOrEqual(0);
      expect(sample(scrape, `apfa_queue_workers{queue="${queue}"}`), queue).toBe(1);
    }
    expect(sample(scrape, 'apfa_jobs_total{queue="embedding",name="ingest",outcome="completed"}')).toBeGreaterThanOrEqual(2);
    expect(sample(scrape, 'apfa_jobs_total{queue="indexing",name="publish",outcome="completed"}')).toBeGreaterThanOrEqual(2);
    expect(sample(scrape, 'apfa_job_duration_seconds_count{queue="indexing",name="build-index"}')).toBeGreaterThanOrEqual(2);
    expect(sample(scrape, 'apfa_embedding_batch_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(scrape, 'apfa_embedded_documents_total')).toBeGreaterThan(0);
    expect(sample(scrape, 'apfa_embedding_documents_per_second')).toBeGreaterThan(0);
  });
});
