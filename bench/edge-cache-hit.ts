/**
 * Edge answer-cache hits under miniflare (workerd): p50/p99 latency and requests/s on loopback,
 * with the real Upstash bridge over Redis and a real core behind it (which must see no calls),
 * against a same-run ceiling — a bare Worker in the same workerd build answering the same body
 * (support/ceiling-worker.ts) under the same autocannon load — and the Upstash REST requests per
 * hit counted at the bridge.
 * `npm run bench:edge [-- --seconds 10 --slice 1 --connections 10]`. Diagnostics (no result file):
 * `--workerd-prof DIR` profiles the edge Worker in workerd (inspector on port 4401, or
 * `--inspector-port`) during `--seconds` of N-connection hits and writes DIR/edge-worker.cpuprofile
 * and a self-time summary; `--cpu-prof-dir DIR` runs the bridge with `--cpu-prof`.
 * `--live-version-cache-ms N` sets the edge's LIVE_VERSION_CACHE_MS (0: no hits admitted from
 * isolate memory, one Upstash round trip per request).
 * `--edge-bundle FILE` (a file under this repository) runs another build of the Worker
 * (scripts/build-edge.ts of another commit) with the same harness, for before/after figures.
 *
 * Harness: the bridge runs in a process of its own (support/edge-bridge-process.ts), not on the
 * load generator's event loop, and Miniflare's emulated outbound Worker (a second JS Worker in
 * front of every subrequest) is off unless `--miniflare-outbound-hop`. The edge, the ceiling and
 * `ceilingWithRoundTrip` — the ceiling plus the one Upstash round trip a hit cannot do without (the
 * same admission script and reads, through a second bridge), i.e. a hit whose own work is free —
 * run interleaved in 1-second slices (support/interleaved-load.ts: ABC CBA blocks), `--seconds`
 * each per connection count, so the load other work puts on the machine reaches all alike;
 * percentiles are over every latency of a target's slices. Per target the CPU time of each process
 * (workerd, the bridge, Redis, this process: autocannon and an idle core) is read from /proc, so
 * the result says where a hit's CPU goes; `bridgeAlone` is autocannon sending an admission EVALSHA
 * straight to the bridge: the harness's round trip without a Worker.
 * Targets (issue 18): hit ≥ 0.5× the ceiling's requests/s at 1 and at N connections, p99 at N
 * connections ≤ 2× the ceiling's, at most 1 Upstash request per hit.
 */
import { randomBytes } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { ADMISSION_SCRIPT } from '../edge/http/admission-script.ts';
import { sha1Hex } from '../dev/upstash-bridge/lua-shebang.ts';
import { liveIndexVersionKey } from '../shared/cache/advice-cache-key.ts';
import { startCeilingWorker } from './support/ceiling-worker.ts';
import { startBridgeProcess } from './support/edge-bridge-process.ts';
import { interleavedLoad, soloLoad, type LoadTarget } from './support/interleaved-load.ts';
import { childPids } from './support/process-cpu.ts';
import { startEdge } from '../test/support/edge-miniflare.ts';
import { getToken, startCore } from '../test/support/start-core.ts';
import { round, saveResults } from './support/results.ts';
import { inclusiveTime, profileWorker, saveProfile, selfTimeSummary } from './support/workerd-profiler.ts';

const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const textArgument = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const seconds = argument('seconds', 10);
const sliceSeconds = argument('slice', 1);
const connections = argument('connections', 10);
const cpuProfileDir = textArgument('cpu-prof-dir');
const workerdProfileDir = textArgument('workerd-prof');
const inspectorPort = argument('inspector-port', 4401);
const edgeBundle = textArgument('edge-bundle');
// Miniflare's extra outbound Worker (see startEdge's stripCfConnectingIp): off unless asked for.
const miniflareOutboundHop = process.argv.includes('--miniflare-outbound-hop');
// How long an isolate admits hits from memory (the edge's LIVE_VERSION_CACHE_MS); default the edge's own.
const memoryMs = textArgument('live-version-cache-ms');

/** Hits of one target for `seconds` without interleaving (the profiler's phase). */
const solo = (target: LoadTarget, clients: number) => soloLoad(target, { connections: clients, seconds });

const redisUrl = new URL(TEST_REDIS_URL);
const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1] ?? 0);
const prefix = `apfa-test:edge:bench:${randomBytes(5).toString('hex')}:`;
const bridge = await startBridgeProcess({ redisUrl: TEST_REDIS_URL, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
// With REDIS_URL core requires the edge's signature (issue 16): both sides share a secret.
const edgeSharedSecret = randomBytes(24).toString('base64url');
const core = await startCore({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, EDGE_SHARED_SECRET: edgeSharedSecret });
const workerdBefore = new Set(childPids(process.pid, /workerd/));
const edge = await startEdge({
  bindings: {
    CORE_URL: core.url,
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    KEY_PREFIX: prefix,
    EDGE_SHARED_SECRET: edgeSharedSecret,
    RATE_LIMIT_REQUESTS: '100000000',
    RATE_LIMIT_WINDOW: '1 h',
    ...(memoryMs === undefined ? {} : { LIVE_VERSION_CACHE_MS: memoryMs }),
  },
  ...(workerdProfileDir ? { inspectorPort } : {}),
  ...(edgeBundle ? { scriptPath: edgeBundle } : {}),
  stripCfConnectingIp: miniflareOutboundHop,
});
const edgePids = childPids(process.pid, /workerd/).filter((pid) => !workerdBefore.has(pid));
let ceilingWorker: Awaited<ReturnType<typeof startCeilingWorker>> | undefined;
let tripWorker: Awaited<ReturnType<typeof startCeilingWorker>> | undefined;
let tripBridge: Awaited<ReturnType<typeof startBridgeProcess>> | undefined;
try {
  const token = await getToken(edge.url, 'admin', core.adminPassword);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const body = JSON.stringify({ query: 'What are my options for a $200,000 home with a 620 credit score?' });
  const warm = await fetch(`${edge.url}/v1/advice`, { method: 'POST', headers, body });
  if (warm.status !== 200) throw new Error(`warm-up failed: ${warm.status} ${await warm.text()}`);
  for (let i = 0; i < 50; i++) {
    if ((await redis.keys(`${prefix}advice:*`)).length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const check = await fetch(`${edge.url}/v1/advice`, { method: 'POST', headers, body });
  const hitBody = await check.text();
  if (check.headers.get('x-cache') !== 'HIT') throw new Error('the answer was not cached after warm-up');
  if (workerdProfileDir) {
    await profileEdge(workerdProfileDir, `${edge.url}/v1/advice`, { headers, body });
  } else {
    const workerdNow = () => new Set(childPids(process.pid, /workerd/));
    const newWorkerd = (before: Set<number>) => childPids(process.pid, /workerd/).filter((pid) => !before.has(pid));
    const redisPids = redisPid > 0 && redisUrl.hostname === '127.0.0.1' ? [redisPid] : [];
    const groups = (workerd: number[], bridgePid = bridge.pid) => ({ workerd, bridge: bridgePid > 0 ? [bridgePid] : [], redis: redisPids, benchProcess: [process.pid] });
    let before = workerdNow();
    ceilingWorker = await startCeilingWorker(hitBody);
    const ceilingPids = newWorkerd(before);
    // Diagnostic: the ceiling plus the one Upstash round trip a hit needs — the same admission
    // script with the same reads (the answer included), through a second bridge so the edge's
    // request count stays exact.
    tripBridge = await startBridgeProcess({ redisUrl: TEST_REDIS_URL });
    const [answerKey] = await redis.keys(`${prefix}advice:*`);
    const tripBody = JSON.stringify([
      'evalsha', sha1Hex(ADMISSION_SCRIPT), 6,
      `${prefix}ratelimit:bench-roundtrip:0`, `${prefix}ratelimit:bench-roundtrip:-1`, liveIndexVersionKey(prefix), `${prefix}auth:epoch:bench-roundtrip`, `${prefix}bench-roundtrip:hit`, `${prefix}bench-roundtrip:miss`,
      '100000000', String(Date.now()), '3600000', '1', '0', `${prefix}advice:`, answerKey!.split(':').pop()!, '0', '0',
    ]);
    const tripHeaders = { 'content-type': 'application/json', authorization: `Bearer ${tripBridge.token}` };
    const tripCheck = (await (await fetch(`${tripBridge.url}/`, { method: 'POST', headers: tripHeaders, body: tripBody })).json()) as { result: unknown[] };
    if (typeof tripCheck.result?.[5] !== 'string') throw new Error('the round-trip ceiling\'s script read no answer');
    before = workerdNow();
    tripWorker = await startCeilingWorker(hitBody, { url: `${tripBridge.url}/`, headers: tripHeaders, body: tripBody });
    const tripPids = newWorkerd(before);

    const coreCalls = async () => {
      const text = await (await core.runtime.app.request('/metrics')).text();
      const line = text.split('\n').find((row) => row.startsWith('apfa_requests_total{method="POST",route="/v1/advice",status="200"}'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const coreBefore = await coreCalls();

    // Exact REST requests per hit: sequential hits, nothing in flight when the counter is read.
    const sequentialHits = 200;
    const countedFrom = await bridge.requestCount();
    for (let index = 0; index < sequentialHits; index += 1) {
      const response = await fetch(`${edge.url}/v1/advice`, { method: 'POST', headers, body });
      await response.arrayBuffer();
      if (response.headers.get('x-cache') !== 'HIT') throw new Error(`expected a HIT, got ${response.status} ${response.headers.get('x-cache')}`);
    }
    const upstashRequestsPerHit = round(((await bridge.requestCount()) - countedFrom) / sequentialHits, 3);

    const edgeTarget: LoadTarget = { url: `${edge.url}/v1/advice`, headers, body, pids: groups(edgePids) };
    const ceilingTarget: LoadTarget = { url: `${ceilingWorker.url}/`, headers, body, pids: groups(ceilingPids, -1) };
    const tripTarget: LoadTarget = { url: `${tripWorker.url}/`, headers, body, pids: groups(tripPids, tripBridge.pid) };
    const bridgeFrom = await bridge.requestCount();
    const load = (clients: number) =>
      interleavedLoad({ ceiling: ceilingTarget, edge: edgeTarget, ceilingWithRoundTrip: tripTarget }, { connections: clients, seconds, sliceSeconds });
    const { summaries: single, blockRatios: singleBlocks } = await load(1);
    const { summaries: concurrent, blockRatios: concurrentBlocks } = await load(connections);
    const upstashRequests = (await bridge.requestCount()) - bridgeFrom;
    const after = await coreCalls();

    // The harness's own round trip: an admission EVALSHA (rate-limit part only) straight to the bridge.
    const bridgeAloneTarget: LoadTarget = {
      url: `${bridge.url}/`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
      body: JSON.stringify(['evalsha', sha1Hex(ADMISSION_SCRIPT), 2, `${prefix}ratelimit:bench-direct:0`, `${prefix}ratelimit:bench-direct:-1`, '100000000', String(Date.now()), '3600000', '1', '0']),
      pids: groups([]),
    };
    const bridgeAlone = { single: await soloLoad(bridgeAloneTarget, { connections: 1, seconds: 3 }), concurrent: await soloLoad(bridgeAloneTarget, { connections, seconds: 3 }) };

    const ratioToCeiling = {
      single: round(single.edge.requestsPerSecond / single.ceiling.requestsPerSecond, 3),
      concurrent: round(concurrent.edge.requestsPerSecond / concurrent.ceiling.requestsPerSecond, 3),
    };
    const p99OverCeilingP99Concurrent = round(concurrent.edge.latencyP99Ms / concurrent.ceiling.latencyP99Ms, 2);
    const completed = single.edge.requests + concurrent.edge.requests;
    saveResults('edge-cache-hit', {
      runtime:
        'workerd (miniflare 4.20260426.0), Upstash bridge (own process) over local Redis; every hit: JWT checked (verified once per token and isolate, reused until exp / JWKS max age), then admitted from isolate memory (a rate-limit token already counted in Redis, live version, epoch record and answer read within LIVE_VERSION_CACHE_MS) or by one admission script (sliding-window lease, live version, epoch record, answer, hit counter)',
      liveVersionCacheMs: memoryMs === undefined ? 'edge default (1000)' : Number(memoryMs),
      ...(edgeBundle ? { edgeBundle } : {}),
      miniflareOutboundHop,
      seconds,
      sliceSeconds,
      hitBodyBytes: hitBody.length,
      single: single.edge,
      concurrent: concurrent.edge,
      ceiling: { single: single.ceiling, concurrent: concurrent.ceiling },
      ratioToCeiling,
      p99OverCeilingP99Concurrent,
      // Edge ÷ ceiling requests/s in each block of slices: how far the ratio moved during the run.
      blockRatios: { single: singleBlocks.edge, concurrent: concurrentBlocks.edge },
      // The ceiling plus one Upstash round trip (the same script and reads as a hit, nothing else):
      // what a hit would cost if the Worker's own work were free.
      ceilingWithRoundTrip: { single: single.ceilingWithRoundTrip, concurrent: concurrent.ceilingWithRoundTrip },
      ratioOfCeilingWithRoundTripToCeiling: {
        single: round(single.ceilingWithRoundTrip.requestsPerSecond / single.ceiling.requestsPerSecond, 3),
        concurrent: round(concurrent.ceilingWithRoundTrip.requestsPerSecond / concurrent.ceiling.requestsPerSecond, 3),
      },
      bridgeAlone,
      upstashRequestsPerHit,
      // Under load autocannon does not count the requests in flight when a phase stops; the bridge does.
      upstashRequestsPerCompletedRequestUnderLoad: round(upstashRequests / Math.max(1, completed), 3),
      upstashRequestsDuringRun: upstashRequests,
      coreCallsDuringRun: after - coreBefore,
      targets: {
        ratioSingleAtLeastHalf: ratioToCeiling.single >= 0.5,
        ratioConcurrentAtLeastHalf: ratioToCeiling.concurrent >= 0.5,
        p99ConcurrentAtMostTwiceCeiling: p99OverCeilingP99Concurrent <= 2,
        atMostOneUpstashRequestPerHit: upstashRequestsPerHit <= 1,
      },
    });
  }
} finally {
  await ceilingWorker?.dispose();
  await tripWorker?.dispose();
  await tripBridge?.close();
  await edge.dispose();
  await core.stop();
  await bridge.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

/** One N-connection phase of hits under the workerd profiler; prints where the Worker's CPU went. */
async function profileEdge(dir: string, url: string, init: { headers: Record<string, string>; body: string }): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const { value, profile } = await profileWorker(inspectorPort, () => solo({ url, ...init, pids: { workerd: edgePids } }, connections));
  saveProfile(`${dir}/edge-worker.cpuprofile`, profile);
  const sampledMs = (profile.endTime - profile.startTime) / 1000;
  const inclusive = Object.fromEntries(
    ['fetch', 'verify', 'sha256Hex', 'jsonBodyGuard', 'validator', 'safeParse', 'parseAsync', 'assertQueryAllowed', 'adviceContentHash', 'exec', 'request', 'base64decode', 'parseStoredAnswer', 'stringify', 'json', 'randomUUID'].map((name) => [
      name,
      round(inclusiveTime(profile, new RegExp(`^${name}$`)) / Math.max(1, value.requests), 4),
    ]),
  );
  const summary = { phase: value, sampledMs, inclusiveMsPerRequest: inclusive, selfTime: selfTimeSummary(profile, 50) };
  writeFileSync(`${dir}/edge-worker-summary.json`, JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary, null, 2));
}
