/**
 * The edge bench's Upstash REST bridge (dev/upstash-bridge) in a process of its own, so the bench
 * measures the Worker and not a bridge sharing the load generator's event loop. Run as a child
 * (`node --import tsx bench/support/edge-bridge-process.ts`) it starts the bridge on a free
 * loopback port, sends `{ url }` over IPC and answers `count` messages with the bridge's request
 * count; {@link startBridgeProcess} is the parent side. `cpuProfileDir` adds `--cpu-prof` (the
 * profile is written when the child exits on `close()`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

type ToChild = { type: 'count'; id: number } | { type: 'close' };
type FromChild = { type: 'ready'; url: string } | { type: 'count'; id: number; count: number } | { type: 'error'; message: string };

export interface BridgeProcess {
  url: string;
  token: string;
  pid: number;
  /** Upstash REST requests the bridge received so far (UpstashBridge.requestCount), asked over IPC. */
  requestCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startBridgeProcess(options: { redisUrl: string; cpuProfileDir?: string }): Promise<BridgeProcess> {
  const token = randomBytes(18).toString('base64url');
  const execArgv = ['--import', 'tsx', ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [])];
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv,
    env: { ...process.env, EDGE_BENCH_BRIDGE_REDIS_URL: options.redisUrl, EDGE_BENCH_BRIDGE_TOKEN: token },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: FromChild) => {
      if (message.type === 'ready') resolve(message.url);
      if (message.type === 'error') reject(new Error(`bridge process: ${message.message}`));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bridge process exited (${code}) before it was ready`)));
  });
  let nextId = 0;
  const waiting = new Map<number, (count: number) => void>();
  child.on('message', (message: FromChild) => {
    if (message.type === 'count') {
      waiting.get(message.id)?.(message.count);
      waiting.delete(message.id);
    }
  });
  return {
    url,
    token,
    pid: child.pid!,
    requestCount() {
      const id = (nextId += 1);
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.send({ type: 'count', id } satisfies ToChild);
      });
    },
    async close() {
      if (child.exitCode === null) child.send({ type: 'close' } satisfies ToChild);
      await exited;
    },
  };
}

async function runChild(): Promise<void> {
  const { startUpstashBridge } = await import('../../dev/upstash-bridge/start-upstash-bridge.ts');
  try {
    const started = await startUpstashBridge({ redisUrl: process.env.EDGE_BENCH_BRIDGE_REDIS_URL!, token: process.env.EDGE_BENCH_BRIDGE_TOKEN!, port: 0 });
    process.on('message', (message: ToChild) => {
      if (message.type === 'count') process.send!({ type: 'count', id: message.id, count: started.bridge.requestCount } satisfies FromChild);
      // A normal exit, so --cpu-prof writes its profile.
      if (message.type === 'close') void started.close().finally(() => process.exit(0));
    });
    process.send!({ type: 'ready', url: started.url } satisfies FromChild);
  } catch (error) {
    process.send!({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies FromChild);
    process.exit(1);
  }
}

if (process.send !== undefined && process.env.EDGE_BENCH_BRIDGE_TOKEN !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  await runChild();
}
