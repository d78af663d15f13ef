/**
 * `npm run dev`: the Redis-backed local stack without Docker, on this machine's Redis
 * (REDIS_URL, default redis://127.0.0.1:6379):
 *   - core (API + in-process indexing) on :8080, publishing its live index version to Redis;
 *   - the local Upstash REST bridge on :8079 over the same Redis;
 *   - the edge Worker under `wrangler dev` on :8787 (workerd), pointed at both.
 * Ctrl-C stops all three.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const bridgeToken = process.env.UPSTASH_BRIDGE_TOKEN ?? randomBytes(18).toString('base64url');
const edgeSecret = process.env.EDGE_SHARED_SECRET ?? randomBytes(24).toString('base64url');
const corePort = process.env.PORT ?? '8080';
const quiet = { WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

const children: ChildProcess[] = [];
function start(name: string, command: string, args: string[], env: Record<string, string>): void {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.on('exit', (code) => {
    process.stderr.write(`[${name}] exited with ${code}\n`);
    shutdown();
  });
  children.push(child);
}

let stopping = false;
function shutdown(): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

start('core', 'npx', ['tsx', 'core/main.ts', 'all'], { REDIS_URL: redisUrl, EDGE_SHARED_SECRET: edgeSecret, PORT: corePort });
start('bridge', 'npx', ['tsx', 'dev/upstash-bridge/main.ts'], { REDIS_URL: redisUrl, UPSTASH_BRIDGE_TOKEN: bridgeToken, UPSTASH_BRIDGE_PORT: '8079' });
start(
  'edge',
  'npx',
  [
    'wrangler', 'dev', '--ip', '127.0.0.1', '--port', '8787',
    '--var', `CORE_URL:http://127.0.0.1:${corePort}`,
    '--var', 'UPSTASH_REDIS_REST_URL:http://127.0.0.1:8079',
    '--var', `UPSTASH_REDIS_REST_TOKEN:${bridgeToken}`,
    '--var', `EDGE_SHARED_SECRET:${edgeSecret}`,
  ],
  quiet,
);
process.stdout.write('APFA dev stack: edge http://127.0.0.1:8787  core http://127.0.0.1:' + corePort + '  upstash bridge http://127.0.0.1:8079\n');
