import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Redis } from 'ioredis';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type WebSocketServer } from 'ws';
import { TEST_ONLY_PASSWORD_HASH_COST } from '../../core/auth/password-hash.ts';
import { createRuntime, type CoreRuntime } from '../../core/composition-root.ts';
import { parseCoreConfig } from '../../core/config.ts';
import type { EventFeed } from '../../core/feed/event-feed.ts';
import { compareFeedIds, type FeedEvent } from '../../core/feed/feed-event.ts';
import { createFeedWebSocketServer, FEED_PROTOCOL } from '../../core/feed/feed-websocket-server.ts';
import { createRedisEventFeed } from '../../core/feed/redis-event-feed.ts';
import { answerClientErrorsWithProblems } from '../../core/http/client-error-responder.ts';
import { createLogger } from '../../core/logger.ts';
import { removeRedisKeys, SHARED_REDIS_URL } from '../core/jobs/job-system-harness.ts';
import { closeServer, getToken, TEST_ADMIN_PASSWORD } from '../support/start-core.ts';
import { CHROMIUM, hasChromium, launchHeadlessChromium, signInToConsole } from '../support/headless-chromium.ts';

// The feed's reconnect-with-replay, end to end: a real core on Redis (BullMQ jobs, the feed a Redis
// stream), its WebSocket server held here so the test can drop a client from the server side.
const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../.artifacts/console');

type Frame = { type: string; id?: string; event?: FeedEvent; resumedAfter?: string | null };
type Entry = { id: string; event: FeedEvent };

const prefix = `h3console:replay-${randomBytes(4).toString('hex')}:`;
const dataDir = mkdtempSync(join(tmpdir(), 'apfa-console-replay-'));
let runtime: CoreRuntime;
let server: ServerType;
let wss: WebSocketServer;
let url: string;
let token: string;
let redis: Redis;
/** The test's own publisher on the core's stream: what another worker process would publish. */
let feed: EventFeed;

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
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  runtime = await createRuntime(config, { logger: createLogger({ level: 'silent' }), mode: 'all', passwordHashCost: TEST_ONLY_PASSWORD_HASH_COST });
  wss = createFeedWebSocketServer();
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1', websocket: { server: wss } }, () => resolve(started));
  });
  answerClientErrorsWithProblems(server);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  token = await getToken(url, 'admin', TEST_ADMIN_PASSWORD);
  redis = new Redis(SHARED_REDIS_URL);
  feed = createRedisEventFeed({ redis, prefix });
}, 120_000);

afterAll(async () => {
  await feed?.close();
  redis?.disconnect();
  if (server) await closeServer(server);
  await runtime?.close();
  await removeRedisKeys(SHARED_REDIS_URL, prefix).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

const post = async (path: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : null,
  });
  const text = await response.text();
  expect(response.ok, text).toBe(true);
  return JSON.parse(text) as Record<string, unknown>;
};

/** Every entry of the core's feed stream, oldest first. */
async function streamEntries(): Promise<Entry[]> {
  const raw = (await redis.xrange(`${prefix}feed:events`, '-', '+')) as Array<[string, string[]]>;
  return raw.map(([id, fields]) => ({ id, event: JSON.parse(fields[fields.indexOf('event') + 1]!) as FeedEvent }));
}

const jobKey = (event: FeedEvent) => ('jobId' in event ? `${event.queue}:${event.jobId}` : null);

/**
 * What a client must have received of the stream between two ids: every event, except a job's
 * progress that a later event of the same job received by the client supersedes (the server
 * coalesces progress per job). Returns the ids missing.
 */
function missing(entries: Entry[], received: Entry[], from: string, to: string): string[] {
  const got = new Set(received.map((entry) => entry.id));
  const window = entries.filter((entry) => compareFeedIds(entry.id, from) >= 0 && compareFeedIds(entry.id, to) <= 0);
  return window
    .filter((entry) => !got.has(entry.id))
    .filter((entry) => {
      if (entry.event.type !== 'job.progress') return true;
      const key = jobKey(entry.event);
      return !received.some((later) => jobKey(later.event) === key && compareFeedIds(later.id, entry.id) > 0);
    })
    .map((entry) => `${entry.id} ${entry.event.type}`);
}

const at = () => new Date().toISOString();

describe('feed replay over /admin/ws (WebSocket client)', () => {
  /** Opens a socket; resolves its messages so far and a way to wait for more, or the refused upgrade's status and content type. */
  const connect = (query = '') =>
    new Promise<{ socket: WebSocket; frames: Frame[]; until: (match: (frame: Frame) => boolean) => Promise<void> } | { status: number; type: string | undefined }>((resolve, reject) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/admin/ws${query}`, [FEED_PROTOCOL, `bearer.${token}`]);
      const frames: Frame[] = [];
      const waiters: Array<{ match: (frame: Frame) => boolean; done: () => void }> = [];
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Frame;
        frames.push(frame);
        for (const waiter of [...waiters]) if (waiter.match(frame)) (waiters.splice(waiters.indexOf(waiter), 1), waiter.done());
      });
      const until = (match: (frame: Frame) => boolean) =>
        frames.some(match) ? Promise.resolve() : new Promise<void>((done) => waiters.push({ match, done }));
      socket.once('open', () => resolve({ socket, frames, until }));
      socket.once('unexpected-response', (_request, response) => {
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] });
        response.resume();
        socket.terminate();
      });
      socket.once('error', reject);
    });

  it('refuses a malformed lastEventId before the upgrade, as problem+json', async () => {
    for (const bad of ['nope', '1-2-3', '-1-0', `${'9'.repeat(16)}-0`]) {
      const refused = await connect(`?lastEventId=${encodeURIComponent(bad)}`);
      expect(refused, bad).toMatchObject({ status: 422, type: expect.stringContaining('application/problem+json') });
    }
  });

  it('a client dropped by the server gets, on reconnecting with its last id, exactly what it missed, in order', async () => {
    const first = await connect();
    if (!('socket' in first)) throw new Error(`refused ${first.status}`);
    await first.until((frame) => frame.type === 'hello');
    await feed.publish({ type: 'index.swapped', version: 'replay-1', previous: null, at: at() });
    await first.until((frame) => frame.event?.type === 'index.swapped' && frame.event.version === 'replay-1');
    const lastSeen = first.frames.filter((frame) => frame.type === 'event').at(-1)!.id!;
    const before = new Set(wss.clients);
    for (const client of wss.clients) client.terminate();
    const missed = [
      await feed.publish({ type: 'index.swapped', version: 'replay-2', previous: 'replay-1', at: at() }),
      await feed.publish({ type: 'job.failed', queue: 'embedding', jobId: 'replay.job', name: 'embed-batch', error: 'boom', attemptsMade: 5, willRetry: false, at: at() }),
      await feed.publish({ type: 'queue.depth', queue: 'embedding', counts: { waiting: 0 }, at: at() }),
    ];
    expect([...wss.clients].every((client) => before.has(client))).toBe(true);

    const again = await connect(`?lastEventId=${lastSeen}`);
    if (!('socket' in again)) throw new Error(`refused ${again.status}`);
    await again.until((frame) => frame.event?.type === 'queue.depth' && frame.id === missed[2]);
    expect(again.frames[0]).toMatchObject({ type: 'hello', resumedAfter: lastSeen });
    const replayed = again.frames.filter((frame) => frame.type === 'event').map((frame) => frame.id);
    // Events of the core itself may sit between them (it publishes too); none of the missed ones is absent or out of order.
    expect(replayed.filter((id) => missed.includes(id!))).toEqual(missed);
    expect(missing(await streamEntries(), again.frames.filter((frame) => frame.type === 'event') as Entry[], missed[0]!, missed[2]!)).toEqual([]);
    first.socket.terminate();
    again.socket.close();
  });
});

if (!hasChromium && !process.env.CI) console.warn(`skipping the console replay in Chromium: no Chromium at ${CHROMIUM}`);

describe.skipIf(!hasChromium && !process.env.CI)('console feed replay in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!hasChromium) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium); required when CI is set`);
    browser = await launchHeadlessChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => browser?.close());

  it("a job's progress bar keeps moving after the server drops the page's WebSocket: the page resumes after its last event and misses none", async () => {
    // A real ingest job held in the waiting state (queue paused); its progress comes over the feed.
    await post('/admin/queues/embedding/pause');
    const { jobId } = (await post('/admin/jobs/sync', { source: 'corpus', mode: 'force' })) as { jobId: string };
    const progress = (done: number): FeedEvent => ({ type: 'job.progress', queue: 'embedding', jobId, name: 'ingest', progress: { done, total: 10 }, at: at() });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const sockets: Array<{ url: string; frames: Frame[] }> = [];
    page.on('websocket', (socket) => {
      const record = { url: socket.url(), frames: [] as Frame[] };
      sockets.push(record);
      socket.on('framereceived', (frame) => record.frames.push(JSON.parse(String(frame.payload)) as Frame));
    });
    await signInToConsole(page, url, 'admin', TEST_ADMIN_PASSWORD);
    const badge = page.getByRole('status', { name: 'Live feed' });
    await badge.getByText('live').waitFor();
    await page.goto(`${url}/console#/jobs/embedding/${encodeURIComponent(jobId)}`);
    await page.locator('#job-state', { hasText: 'waiting' }).waitFor();
    const percent = page.locator('#job-percent');

    for (let done = 1; done <= 4; done++) await feed.publish(progress(done));
    await percent.filter({ hasText: /^40 %$/ }).waitFor();
    expect(sockets).toHaveLength(1);
    const lastSeen = sockets[0]!.frames.filter((frame) => frame.type === 'event').at(-1)!.id!;

    // Dropped from the server side (as a proxy or a restart would), then progress goes on while the page has no socket.
    const before = new Set(wss.clients);
    for (const client of wss.clients) client.terminate();
    const gap: string[] = [];
    for (let done = 5; done <= 8; done++) gap.push(await feed.publish(progress(done)));
    gap.push(await feed.publish({ type: 'queue.depth', queue: 'embedding', counts: { waiting: 1, active: 0 }, at: at() }));
    expect([...wss.clients].every((client) => before.has(client)), 'published before the page reconnected').toBe(true);

    await percent.filter({ hasText: /^80 %$/ }).waitFor();
    await badge.getByText('live').waitFor();
    expect(sockets).toHaveLength(2);
    expect(new URL(sockets[1]!.url).searchParams.get('lastEventId')).toBe(lastSeen);
    expect(sockets[1]!.frames[0]).toMatchObject({ type: 'hello', resumedAfter: lastSeen });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'job-detail-after-reconnect.png') });

    // Live again: more progress, then the real job runs to its end.
    for (let done = 9; done <= 10; done++) await feed.publish(progress(done));
    await percent.filter({ hasText: /^100 %$/ }).waitFor();
    await post('/admin/queues/embedding/resume');
    await page.locator('#job-state', { hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await expect(page.locator('progress#job-progress').getAttribute('value')).resolves.toBe('100');

    // The sequence the page got over both sockets: strictly increasing ids, nothing of the stream missing.
    const received = sockets.flatMap((socket) => socket.frames.filter((frame) => frame.type === 'event')) as Entry[];
    const ids = received.map((entry) => entry.id);
    for (let index = 1; index < ids.length; index++) expect(compareFeedIds(ids[index]!, ids[index - 1]!), `${ids[index - 1]} then ${ids[index]}`).toBeGreaterThan(0);
    expect(missing(await streamEntries(), received, ids[0]!, ids.at(-1)!)).toEqual([]);
    // The gap's queue.depth (never coalesced) came by the replay, and its last progress too.
    expect(ids).toContain(gap.at(-1));
    expect(ids).toContain(gap.at(-2));
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
