#!/usr/bin/env node
// Container healthchecks for docker-compose.yml (and the Dockerfile's HEALTHCHECK):
//   container-health.mjs http <url>   healthy when GET <url> answers 2xx within 4 s
//   container-health.mjs upstash <url> healthy when the Upstash REST bridge at <url> answers PING
//                                     with PONG (token from UPSTASH_BRIDGE_TOKEN): the bridge and its Redis
//   container-health.mjs worker       healthy when this container's BullMQ worker is connected to
//                                     REDIS_URL (its client name carries the host name, see
//                                     core/jobs/runners/bullmq-job-runner.ts)
// Exit 0 healthy, 1 not, 2 usage; one line on stdout says why.
import { hostname } from 'node:os';

const [mode, target] = process.argv.slice(2);

async function checkHttp(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return `${url} answered ${response.status}`;
}

async function checkUpstash(url) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.UPSTASH_BRIDGE_TOKEN ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify(['PING']),
    signal: AbortSignal.timeout(4000),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || body.result !== 'PONG') throw new Error(`${url} answered ${response.status} ${JSON.stringify(body)}`);
  return `${url} answered PONG`;
}

async function checkWorker() {
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await redis.connect();
    const clients = String(await redis.client('LIST'));
    const marker = `:w:${hostname()}:`;
    const workers = clients.split('\n').filter((line) => line.includes(marker)).length;
    if (workers === 0) throw new Error(`no BullMQ worker of ${hostname()} is connected to Redis`);
    return `${workers} BullMQ worker connections of ${hostname()}`;
  } finally {
    redis.disconnect();
  }
}

try {
  if (mode === 'http' && target) console.log(await checkHttp(target));
  else if (mode === 'upstash' && target) console.log(await checkUpstash(target));
  else if (mode === 'worker') console.log(await checkWorker());
  else {
    console.log('usage: container-health.mjs http <url> | upstash <url> | worker');
    process.exit(2);
  }
  process.exit(0);
} catch (error) {
  console.log(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
