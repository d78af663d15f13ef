/**
 * Edge answer-cache hits under miniflare (workerd): p50/p99 latency and requests/s on loopback,
 * with the real Upstash bridge over Redis and a real core behind it (which must see no calls).
 * `npm run bench:edge [-- --seconds 10 --connections 10]`. Target: cache-hit p99 < 10 ms locally.
 */
import autocannon from 'autocannon';
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
const core = await startCore({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix });
const edge = await startEdge({
  bindings: {
    CORE_URL: core.url,
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
    KEY_PREFIX: prefix,
    RATE_LIMIT_REQUESTS: '100000000',
    RATE_LIMIT_WINDOW: '1 h',
    LIVE_VERSION_CACHE_MS: '1000',
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
  await check.arrayBuffer();
  if (check.headers.get('x-cache') !== 'HIT') throw new Error('the answer was not cached after warm-up');

  const coreCalls = async () => {
    const text = await (await core.runtime.app.request('/metrics')).text();
    const line = text.split('\n').find((row) => row.startsWith('apfa_requests_total{method="POST",route="/v1/advice",status="200"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const before = await coreCalls();
  const phase = async (clients: number) => {
    const result = await autocannon({ url: `${edge.url}/v1/advice`, method: 'POST', headers, body, connections: clients, duration: seconds });
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
  const single = await phase(1);
  const concurrent = await phase(connections);
  const after = await coreCalls();
  saveResults('edge-cache-hit', {
    runtime: 'workerd (miniflare 4.20260426.0), Upstash bridge over local Redis, every request: JWT verify + rate limit + live-version + cache read',
    seconds,
    single,
    concurrent,
    coreCallsDuringRun: after - before,
    targetP99Under10msSingleClient: single.latencyP99Ms < 10,
  });
} finally {
  await edge.dispose();
  await core.stop();
  await upstash.close();
}
