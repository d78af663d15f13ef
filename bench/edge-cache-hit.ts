/**
 * Edge answer-cache hits under miniflare (workerd): p50/p99 latency and requests/s on loopback,
 * with the real Upstash bridge over Redis and a real core behind it (which must see no calls),
 * against a same-run ceiling — a bare Worker in the same workerd answering the same body
 * (support/ceiling-worker.ts) under the same autocannon load — and the Upstash REST requests per
 * hit counted at the bridge. `npm run bench:edge [-- --seconds 10 --connections 10]`.
 * Targets (issue 18): hit ≥ 0.5× the ceiling's requests/s at 1 and at N connections, p99 at N
 * connections ≤ 2× the ceiling's, 1 Upstash request per hit.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { startCeilingWorker } from './support/ceiling-worker.ts';
import { startEdge } from '../test/support/edge-miniflare.ts';
import { startEdgeUpstash, TEST_REDIS_URL } from '../test/support/edge-upstash.ts';
import { getToken, startCore } from '../test/support/start-core.ts';
import { round, saveResults } from './support/results.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = argument('seconds', 10);
const connections = argument('connections', 10);

const upstash = await startEdgeUpstash();
const prefix = upstash.uniquePrefix('bench');
// With REDIS_URL core requires the edge's signature (issue 16): both sides share a secret.
const edgeSharedSecret = randomBytes(24).toString('base64url');
const core = await startCore({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, EDGE_SHARED_SECRET: edgeSharedSecret });
const edge = await startEdge({
  bindings: {
    CORE_URL: core.url,
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
    KEY_PREFIX: prefix,
    EDGE_SHARED_SECRET: edgeSharedSecret,
    RATE_LIMIT_REQUESTS: '100000000',
    RATE_LIMIT_WINDOW: '1 h',
  },
});
try {
  const token = await getToken(edge.url, 'admin', core.adminPassword);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const body = JSON.stringify({ query: 'What are my options for a $200,000 home with a 620 credit score?' });
  const warm = await fetch(`${edge.url}/v1/advice`, { method: 'POST', headers, body });
  if (warm.status !== 200) throw new Error(`warm-up failed: ${warm.status} ${await warm.text()}`);
  for (let i = 0; i < 50; i++) {
    if ((await upstash.redis.keys(`${prefix}advice:*`)).length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const check = await fetch(`${edge.url}/v1/advice`, { method: 'POST', headers, body });
  const hitBody = await check.text();
  if (check.headers.get('x-cache') !== 'HIT') throw new Error('the answer was not cached after warm-up');
  const ceilingWorker = await startCeilingWorker(hitBody);

  const coreCalls = async () => {
    const text = await (await core.runtime.app.request('/metrics')).text();
    const line = text.split('\n').find((row) => row.startsWith('apfa_requests_total{method="POST",route="/v1/advice",status="200"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const before = await coreCalls();
  const phase = async (clients: number, url = `${edge.url}/v1/advice`) => {
    const result = await autocannon({ url, method: 'POST', headers, body, connections: clients, duration: seconds });
    return {
      connections: clients,
      requests: result.requests.total,
      requestsPerSecond: round(result.requests.average, 1),
      latencyP50Ms: result.latency.p50,
      latencyP90Ms: result.latency.p90,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors,
    };
  };
  // Exact REST requests per hit: sequential hits, nothing in flight when the counter is read.
  const sequentialHits = 200;
  const countedFrom = upstash.requestCount();
  for (let index = 0; index < sequentialHits; index += 1) {
    const response = await fetch(`${edge.url}/v1/advice`, { method: 'POST', headers, body });
    await response.arrayBuffer();
    if (response.headers.get('x-cache') !== 'HIT') throw new Error(`expected a HIT, got ${response.status} ${response.headers.get('x-cache')}`);
  }
  const upstashRequestsPerHit = round((upstash.requestCount() - countedFrom) / sequentialHits, 3);
  const bridgeBefore = upstash.requestCount();
  const single = await phase(1);
  const concurrent = await phase(connections);
  const upstashRequests = upstash.requestCount() - bridgeBefore;
  const after = await coreCalls();
  const ceiling = { single: await phase(1, `${ceilingWorker.url}/`), concurrent: await phase(connections, `${ceilingWorker.url}/`) };
  await ceilingWorker.dispose();
  const ratioToCeiling = {
    single: round(single.requestsPerSecond / ceiling.single.requestsPerSecond, 3),
    concurrent: round(concurrent.requestsPerSecond / ceiling.concurrent.requestsPerSecond, 3),
  };
  const p99OverCeilingP99Concurrent = round(concurrent.latencyP99Ms / Math.max(1, ceiling.concurrent.latencyP99Ms), 2);
  // Under load autocannon does not count the requests in flight when a phase stops; the bridge does.
  const upstashRequestsPerCompletedRequestUnderLoad = round(upstashRequests / (single.requests + concurrent.requests), 3);
  saveResults('edge-cache-hit', {
    runtime:
      'workerd (miniflare 4.20260426.0), Upstash bridge over local Redis; every hit: JWT checked (verified once per token and isolate, reused until exp / JWKS max age) + one admission script (sliding-window rate limit, live version, epoch record, answer, hit counter)',
    seconds,
    hitBodyBytes: hitBody.length,
    single,
    concurrent,
    ceiling,
    ratioToCeiling,
    p99OverCeilingP99Concurrent,
    upstashRequestsPerHit,
    upstashRequestsPerCompletedRequestUnderLoad,
    upstashRequestsDuringRun: upstashRequests,
    coreCallsDuringRun: after - before,
    targets: {
      ratioSingleAtLeastHalf: ratioToCeiling.single >= 0.5,
      ratioConcurrentAtLeastHalf: ratioToCeiling.concurrent >= 0.5,
      p99ConcurrentAtMostTwiceCeiling: p99OverCeilingP99Concurrent <= 2,
      oneUpstashRequestPerHit: upstashRequestsPerHit <= 1,
    },
  });
} finally {
  await edge.dispose();
  await core.stop();
  await upstash.close();
}
