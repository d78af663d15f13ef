import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FEED_PROTOCOL } from '../../core/feed/feed-websocket-server.ts';
import { startEdge, type StartedEdge } from '../support/edge-miniflare.ts';
import { startEdgeUpstash, TEST_REDIS_URL, type EdgeUpstash } from '../support/edge-upstash.ts';
import { getToken, startCore, TEST_ADMIN_PASSWORD, type StartedCore } from '../support/start-core.ts';

/**
 * The rule behind issue 16's findings 1, 6 and 7, as a table: every user state change × every
 * place a user is recognised refuses the user's existing access token within the bound
 * docs/security.md ("User state changes") documents. Real pieces throughout: core (PGlite,
 * Redis), the edge Worker in workerd (miniflare) over the Upstash REST bridge and the machine's
 * Redis, the feed over a real WebSocket and a real SSE stream.
 *
 * Bounds: the request places refuse on the next request (0 s); the feed within FEED_RECHECK_MS
 * (core's default, 5 s) — the test allows that plus a margin.
 */
const SECRET = 'e2e-user-state-secret-0123456789abcdef';
const FEED_RECHECK_MS = 5_000;
const FEED_MARGIN_MS = 3_000;
const CACHED_QUESTION = 'What are my options for a $200,000 home with a 620 credit score?';
const PROFILE = { propertyValue: 200000, creditScore: 620 };

type Change = { name: string; apply: (core: AdminClient, userId: string) => Promise<Response> };

interface AdminClient {
  call(method: string, path: string, body?: unknown): Promise<Response>;
}

const CHANGES: Change[] = [
  { name: 'disable', apply: (admin, id) => admin.call('POST', `/admin/users/${id}/disable`) },
  { name: 'demote (admin → user: loses admin:jobs:view)', apply: (admin, id) => admin.call('PATCH', `/admin/users/${id}/role`, { role: 'user' }) },
  { name: 'password reset', apply: (admin, id) => admin.call('POST', `/admin/users/${id}/password`, { password: 'a-brand-new-passphrase-9' }) },
];

/** A place that recognises the user by their token: resolves the HTTP status it answers. */
type Place = { name: string; ask: (token: string, tag: string) => Promise<{ status: number; cache: string | null }> };

describe('user state changes end the user’s access everywhere (edge in workerd → core)', () => {
  let upstash: EdgeUpstash;
  let core: StartedCore;
  let edge: StartedEdge;
  let admin: AdminClient;

  beforeAll(async () => {
    upstash = await startEdgeUpstash();
    const prefix = upstash.uniquePrefix('user-state');
    // Core takes the edge's signed calls but also direct ones here: the admin API and token grants are driven directly.
    core = await startCore({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, EDGE_SHARED_SECRET: SECRET, REQUIRE_EDGE_SIGNATURE: 'false' });
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        EDGE_SHARED_SECRET: SECRET,
        KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: '1000',
        RATE_LIMIT_WINDOW: '1 h',
        LIVE_VERSION_CACHE_MS: '0',
      },
    });
    const adminToken = await getToken(core.url, 'admin', TEST_ADMIN_PASSWORD);
    admin = {
      call: (method, path, body) =>
        fetch(`${core.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
    };
    // Warm the shared answer cache so the victims' questions are edge HITs.
    const warm = await askEdge('/v1/advice', adminToken, CACHED_QUESTION);
    expect(warm.status).toBe(200);
    for (let i = 0; i < 50 && (await askEdge('/v1/advice', adminToken, CACHED_QUESTION)).cache !== 'HIT'; i++) await sleep(100);
  }, 120_000);
  afterAll(async () => {
    await edge?.dispose();
    await core?.stop();
    await upstash?.close();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function askEdge(path: string, token: string, query: string): Promise<{ status: number; cache: string | null }> {
    const response = await edge.dispatch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, profile: PROFILE }),
    });
    await response.text();
    return { status: response.status, cache: response.headers.get('x-cache') };
  }

  const missQuestion = (tag: string) => `How large a down payment does an FHA loan need for case ${tag}?`;
  const PLACES: Place[] = [
    {
      name: 'core route (GET /v1/advice/history)',
      ask: async (token) => {
        const response = await fetch(`${core.url}/v1/advice/history`, { headers: { authorization: `Bearer ${token}` } });
        await response.text();
        return { status: response.status, cache: null };
      },
    },
    { name: 'edge cache hit (POST /v1/advice)', ask: (token) => askEdge('/v1/advice', token, CACHED_QUESTION) },
    { name: 'edge miss (POST /v1/advice → core)', ask: (token, tag) => askEdge('/v1/advice', token, missQuestion(tag)) },
    { name: 'edge stream hit (POST /v1/advice/stream)', ask: (token) => askEdge('/v1/advice/stream', token, CACHED_QUESTION) },
    { name: 'edge stream miss (POST /v1/advice/stream → core)', ask: (token, tag) => askEdge('/v1/advice/stream', token, `${missQuestion(tag)} streamed`) },
  ];

  /** Opens /admin/ws; resolves the close code when the server closes it. */
  function openFeedSocket(token: string): Promise<{ closed: Promise<{ code: number; at: number }> }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${core.url.replace('http', 'ws')}/admin/ws`, [FEED_PROTOCOL, `bearer.${token}`]);
      const closed = new Promise<{ code: number; at: number }>((done) => socket.on('close', (code) => done({ code, at: Date.now() })));
      socket.once('message', () => resolve({ closed }));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`ws upgrade refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Opens /admin/events; resolves when the server ends the stream. */
  async function openFeedEvents(token: string): Promise<{ ended: Promise<number> }> {
    const response = await fetch(`${core.url}/admin/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const ended = (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return Date.now();
      }
    })();
    return { ended };
  }

  describe.each(CHANGES)('$name', (change) => {
    it('refuses the existing token at every request place at once, and cuts the open feed within the bound', async () => {
      const tag = change.name.split(' ')[0]!;
      const username = `victim-${tag}-${Math.random().toString(36).slice(2, 8)}`;
      const created = await admin.call('POST', '/admin/users', { username, password: 'victim-first-passphrase-1', role: 'admin' });
      expect(created.status, await created.clone().text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const token = await getToken(core.url, username, 'victim-first-passphrase-1');

      // Before: every place accepts the token (the cached question really is a HIT for them).
      for (const place of PLACES) {
        const before = await place.ask(token, `${tag}-before`);
        expect(before.status, `${place.name} before ${change.name}`).toBe(200);
        if (place.name.includes('hit')) expect(before.cache, place.name).toBe('HIT');
      }
      const socket = await openFeedSocket(token);
      const events = await openFeedEvents(token);

      const applied = await change.apply(admin, id);
      expect(applied.status, await applied.clone().text()).toBeLessThan(300);
      const changedAt = Date.now();

      // After: every request place refuses at once (401, sign in again); every cell is reported, not only the first failing one.
      const outcome: Record<string, string | number> = {};
      for (const place of PLACES) outcome[place.name] = (await place.ask(token, `${tag}-after`)).status;
      // The live feed: closed (WebSocket 1008) and ended (SSE) within the recheck bound.
      const bound = FEED_RECHECK_MS + FEED_MARGIN_MS;
      const still = sleep(bound).then(() => 'still open' as const);
      const [closed, endedAt] = await Promise.all([Promise.race([socket.closed, still]), Promise.race([events.ended, still])]);
      outcome['WebSocket /admin/ws'] = closed === 'still open' ? closed : closed.at - changedAt <= bound ? closed.code : `closed late (${closed.at - changedAt} ms)`;
      outcome['SSE /admin/events'] = endedAt === 'still open' ? endedAt : endedAt - changedAt <= bound ? 'ended' : `ended late (${endedAt - changedAt} ms)`;
      expect(outcome).toEqual({ ...Object.fromEntries(PLACES.map((place) => [place.name, 401])), 'WebSocket /admin/ws': 1008, 'SSE /admin/events': 'ended' });
    }, 60_000);
  });
});
