import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRuntime, type CoreRuntime } from '../../core/composition-root.ts';
import { parseCoreConfig } from '../../core/config.ts';
import type { FeedEvent } from '../../core/feed/feed-event.ts';
import { createFeedWebSocketServer } from '../../core/feed/feed-websocket-server.ts';
import { createLogger } from '../../core/logger.ts';
import { removeRedisKeys, SHARED_REDIS_URL } from '../core/jobs/job-system-harness.ts';
import { closeServer, getToken, TEST_ADMIN_PASSWORD } from '../support/start-core.ts';
import { TEST_ONLY_PASSWORD_HASH_COST } from '../../core/auth/password-hash.ts';

type Message = { type: string; id?: string; event?: FeedEvent; resumedAfter?: string | null };

/** Records every message of one /admin/ws connection. */
function openFeed(url: string, token: string): Promise<{ messages: Message[]; until(match: (message: Message) => boolean, what: string): Promise<Message>; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const messages: Message[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        messages,
        async until(match, what) {
          const deadline = Date.now() + 30_000;
          while (Date.now() < deadline) {
            const found = messages.find(match);
            if (found) return found;
            await new Promise((wait) => setTimeout(wait, 50));
          }
          throw new Error(`no ${what} on the feed within 30 s; saw ${messages.map((message) => message.event?.type ?? message.type).join(', ')}`);
        },
        close: () => socket.close(),
      }),
    );
  });
}

/**
 * The live feed end to end: the real composition root in all-in-one mode with Redis (BullMQ
 * jobs, the feed as a Redis stream), the real /admin/ws WebSocket server, and real indexing jobs
 * started through the admin API.
 */
describe('live feed from real indexing jobs, through Redis, over /admin/ws', () => {
  const prefix = `test:feed-${randomBytes(4).toString('hex')}:`;
  const dataDir = mkdtempSync(join(tmpdir(), 'apfa-e2e-feed-'));
  let runtime: CoreRuntime;
  let server: ServerType;
  let http: string;
  let ws: string;
  let token: string;

  beforeAll(async () => {
    const config = parseCoreConfig({
      APFA_DATA_DIR: dataDir,
      APFA_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      REDIS_URL: SHARED_REDIS_URL,
      // Called directly, not through the edge (with REDIS_URL the default is to require the edge's signature).
      REQUIRE_EDGE_SIGNATURE: 'false',
      KEY_PREFIX: prefix,
      EMBEDDER: 'lexical',
      SCHEDULE_RESYNC: 'off',
      SCHEDULE_CLEANUP: 'off',
      SCHEDULE_STATS: 'off',
      JOB_SANDBOX: 'off',
      LOG_LEVEL: 'silent',
    });
    runtime = await createRuntime(config, { logger: createLogger({ level: 'silent' }), mode: 'all', passwordHashCost: TEST_ONLY_PASSWORD_HASH_COST });
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1', websocket: { server: createFeedWebSocketServer() } }, () => resolve(started));
    });
    const port = (server.address() as AddressInfo).port;
    http = `http://127.0.0.1:${port}`;
    ws = `ws://127.0.0.1:${port}/admin/ws`;
    token = await getToken(http, 'admin', TEST_ADMIN_PASSWORD);
  }, 120_000);

  afterAll(async () => {
    if (server) await closeServer(server);
    await runtime?.close();
    await removeRedisKeys(SHARED_REDIS_URL, prefix).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Uploads one new document through the admin API, which starts a sync: a new index version. */
  let uploads = 0;
  const rebuild = async () => {
    uploads++;
    const response = await fetch(`${http}/admin/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        documents: [{ id: `feed-upload-${uploads}`, title: `Escrow update ${uploads}`, text: `Upload ${uploads}: an escrow analysis each year can change the monthly mortgage payment.` }],
      }),
    });
    expect(response.status).toBe(200);
  };

  it('delivers the progress, completions and index swap of a rebuild, and replays them to a client that reconnects', async () => {
    const live = await openFeed(ws, token);
    await live.until((message) => message.type === 'hello', 'hello');
    await rebuild();
    const swapped = await live.until((message) => message.event?.type === 'index.swapped', 'index.swapped');
    const types = new Set(live.messages.flatMap((message) => (message.event ? [message.event.type] : [])));
    expect(types).toContain('job.completed');
    expect(live.messages.some((message) => message.event?.type === 'job.completed' && message.event.name === 'embed-batch')).toBe(true);
    expect(live.messages.some((message) => message.event?.type === 'job.progress')).toBe(true);
    live.close();

    // While nobody listens, a second rebuild runs; a client resuming after the first swap gets its events from the Redis stream.
    const before = (swapped.event as Extract<FeedEvent, { type: 'index.swapped' }>).version;
    await rebuild();
    await runtime.untilJobsIdle();
    const resumed = await openFeed(`${ws}?lastEventId=${swapped.id}`, token);
    const hello = await resumed.until((message) => message.type === 'hello', 'hello');
    expect(hello.resumedAfter).toBe(swapped.id);
    const replayed = await resumed.until(
      (message) => message.event?.type === 'index.swapped' && message.event.previous === before,
      'the replayed second swap',
    );
    expect(replayed.id! > swapped.id!).toBe(true);
    expect(resumed.messages.some((message) => message.event?.type === 'job.completed' && message.id! > swapped.id!)).toBe(true);
    // Nothing from before the resume point comes again.
    expect(resumed.messages.some((message) => message.id === swapped.id)).toBe(false);
    resumed.close();
  }, 90_000);
});
