import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFeedWebSocketServer, FEED_PROTOCOL } from '../../../core/feed/feed-websocket-server.ts';
import type { FeedEvent } from '../../../core/feed/feed-event.ts';
import { closeServer } from '../../support/start-core.ts';
import { createAdminHarness, type AdminHarness, type SignedIn } from './support/admin-harness.ts';
import { sqlAdapters } from '../storage/sql-adapters.ts';

type Message = { type: string; id?: string; event?: FeedEvent; protocol?: string; resumedAfter?: string | null };

const at = () => new Date().toISOString();
const progress = (jobId: string, value: number): FeedEvent => ({ type: 'job.progress', queue: 'indexing', jobId, name: 'build-index', progress: value, at: at() });

/** A WebSocket client that records messages and lets a test wait for one matching a predicate. */
class FeedClient {
  readonly messages: Message[] = [];
  private waiters: Array<{ match: (message: Message) => boolean; resolve: (message: Message) => void }> = [];
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(message)) {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          waiter.resolve(message);
        }
      }
    });
  }
  next(match: (message: Message) => boolean): Promise<Message> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching message within 5 s')), 5000);
      this.waiters.push({ match, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }
  events(): FeedEvent[] {
    return this.messages.filter((message) => message.type === 'event').map((message) => message.event!);
  }
  close() {
    this.socket.close();
  }
}

describe('admin live feed over WebSocket and SSE', () => {
  let harness: AdminHarness;
  let server: ServerType;
  let base: string;
  let admin: SignedIn;
  let borrower: SignedIn;
  let advisor: SignedIn;

  beforeAll(async () => {
    harness = await createAdminHarness(sqlAdapters[0]!, { feedOptions: { heartbeatMs: 200, progressIntervalMs: 200 } });
    const wss = createFeedWebSocketServer();
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1', websocket: { server: wss } }, () => resolve(started));
    });
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = await harness.signIn('admin');
    borrower = await harness.signIn('user');
    advisor = await harness.signIn('financial_advisor');
  });
  afterAll(async () => {
    if (server) await closeServer(server);
    await harness?.close();
  });

  /** Opens a socket; resolves with the client, or with the HTTP status when the upgrade is refused. */
  const connect = (path: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}) =>
    new Promise<FeedClient | number>((resolve, reject) => {
      const socket = new WebSocket(`ws://${base}${path}`, options.protocols ?? [], { headers: options.headers ?? {} });
      const client = new FeedClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        socket.terminate();
      });
      socket.once('error', (error) => reject(error));
    });

  const connected = async (path: string, token = admin.accessToken) => {
    const client = await connect(path, { headers: { authorization: `Bearer ${token}` } });
    if (typeof client === 'number') throw new Error(`upgrade refused with ${client}`);
    await client.next((message) => message.type === 'hello');
    return client;
  };

  it('refuses the upgrade without a token, with a token in the query string, or for roles without admin:jobs:view', async () => {
    expect(await connect('/admin/ws')).toBe(401);
    expect(await connect(`/admin/ws?access_token=${admin.accessToken}`)).toBe(401);
    expect(await connect('/admin/ws', { headers: { authorization: 'Bearer not-a-token' } })).toBe(401);
    expect(await connect('/admin/ws', { headers: { authorization: `Bearer ${borrower.accessToken}` } })).toBe(403);
    expect(await connect('/admin/ws', { headers: { authorization: `Bearer ${advisor.accessToken}` } })).toBe(403);
    expect(await connect('/admin/ws', { protocols: [FEED_PROTOCOL, `bearer.${borrower.accessToken}`] })).toBe(403);
  });

  it('accepts the token as a subprotocol (browsers) and selects the feed protocol, never echoing the token', async () => {
    const client = await connect('/admin/ws', { protocols: [FEED_PROTOCOL, `bearer.${admin.accessToken}`] });
    if (typeof client === 'number') throw new Error(`refused ${client}`);
    expect(client.socket.protocol).toBe(FEED_PROTOCOL);
    expect((await client.next((message) => message.type === 'hello')).protocol).toBe(FEED_PROTOCOL);
    client.close();
  });

  it('delivers events as they are published, with heartbeats', async () => {
    const client = await connected('/admin/ws');
    await harness.feed.publish({ type: 'index.swapped', version: 'v7', previous: 'v6', at: at() });
    await harness.feed.publish({ type: 'queue.depth', queue: 'embedding', counts: { waiting: 3, active: 1 }, at: at() });
    await client.next((message) => message.event?.type === 'queue.depth');
    expect(client.events().map((event) => event.type)).toEqual(['index.swapped', 'queue.depth']);
    await client.next((message) => message.type === 'heartbeat');
    client.close();
  });

  it('throttles a burst of thousands of progress events to a few messages and still delivers the completion', async () => {
    const client = await connected('/admin/ws');
    for (let value = 1; value <= 3000; value += 1) await harness.feed.publish(progress('job-burst', value));
    await harness.feed.publish({ type: 'job.completed', queue: 'indexing', jobId: 'job-burst', name: 'build-index', result: { ok: true }, at: at() });
    await client.next((message) => message.event?.type === 'job.completed');
    const received = client.events();
    const progressValues = received.filter((event) => event.type === 'job.progress').map((event) => (event.type === 'job.progress' ? event.progress : 0));
    expect(progressValues.length).toBeGreaterThan(0);
    expect(progressValues.length).toBeLessThan(100);
    expect(progressValues[0]).toBe(1);
    expect(received.at(-1)?.type).toBe('job.completed');
    client.close();
  });

  it('replays what a client missed when it reconnects with its last event id', async () => {
    const first = await connected('/admin/ws');
    await harness.feed.publish({ type: 'index.swapped', version: 'r1', previous: null, at: at() });
    const lastSeen = await first.next((message) => message.event?.type === 'index.swapped' && message.event.version === 'r1');
    first.close();
    await harness.feed.publish({ type: 'index.swapped', version: 'r2', previous: 'r1', at: at() });
    await harness.feed.publish({ type: 'job.failed', queue: 'embedding', jobId: 'j9', name: 'embed-batch', error: 'boom', attemptsMade: 3, willRetry: false, at: at() });

    const again = await connected(`/admin/ws?lastEventId=${lastSeen.id}`);
    await again.next((message) => message.event?.type === 'job.failed');
    expect(again.messages.find((message) => message.type === 'hello')?.resumedAfter).toBe(lastSeen.id);
    const replayed = again.events();
    expect(replayed.map((event) => (event.type === 'index.swapped' ? event.version : event.type))).toEqual(['r2', 'job.failed']);
    again.close();
  });

  it('streams the same events as Server-Sent Events and resumes from Last-Event-ID', async () => {
    expect((await fetch(`http://${base}/admin/events`)).status).toBe(401);
    expect((await fetch(`http://${base}/admin/events`, { headers: { authorization: `Bearer ${borrower.accessToken}` } })).status).toBe(403);

    const readEvents = async (headers: Record<string, string>, until: (text: string) => boolean) => {
      const controller = new AbortController();
      const response = await fetch(`http://${base}/admin/events`, { headers: { authorization: `Bearer ${admin.accessToken}`, ...headers }, signal: controller.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const timer = setTimeout(() => controller.abort(), 5000);
      try {
        while (!until(text)) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      return text;
    };

    const publishing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await harness.feed.publish({ type: 'index.swapped', version: 's1', previous: null, at: at() });
    })();
    const live = await readEvents({}, (text) => text.includes('"s1"'));
    await publishing;
    expect(live).toContain('event: hello');
    const match = /event: index\.swapped\ndata: .*"s1".*\nid: (\S+)\n/.exec(live);
    expect(match).not.toBeNull();
    const lastId = match![1]!;

    await harness.feed.publish({ type: 'index.swapped', version: 's2', previous: 's1', at: at() });
    const resumed = await readEvents({ 'last-event-id': lastId }, (text) => text.includes('"s2"'));
    expect(resumed).toContain('"version":"s2"');
    expect(resumed).not.toContain('"version":"s1"');
    const bad = await fetch(`http://${base}/admin/events`, { headers: { authorization: `Bearer ${admin.accessToken}`, 'last-event-id': 'nope' } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});
