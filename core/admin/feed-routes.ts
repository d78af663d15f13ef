import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { upgradeWebSocket } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import { decodeJwt } from 'jose';
import { AppError } from '../../shared/errors/app-error.ts';
import { validationError, validationHook } from '../../shared/http/validation-hook.ts';
import type { AdminEnv } from './admin-variables.ts';
import type { AccessRecheck } from '../http/access-recheck.ts';
import { requestToken } from '../http/authorize-route.ts';
import { pickProblems, problemResponse } from '../../shared/http/problem-responses.ts';
import type { EventFeed } from '../feed/event-feed.ts';
import { FeedIdSchema, laterFeedId, type FeedEntry } from '../feed/feed-event.ts';
import { FEED_PROTOCOL } from '../feed/feed-websocket-server.ts';
import { ProgressCoalescer } from '../feed/progress-coalescer.ts';

export interface FeedRouteDeps {
  feed: EventFeed;
  /** Heartbeat period (default 15 s): a WebSocket `heartbeat` message and ping, an SSE comment. */
  heartbeatMs?: number;
  /** Least time between two progress events of one job to one client (default 250 ms). */
  progressIntervalMs?: number;
  /** Pause reading the feed while this many bytes wait in a WebSocket's send buffer (default 1 MiB). */
  highWaterBytes?: number;
  onError?: (error: unknown) => void;
  now?: () => number;
  /**
   * Re-checks the caller's token and user every `recheckMs` while a connection is open: a user
   * disabled, demoted, password-reset, or whose token's key was withdrawn since it connected is
   * cut off (WebSocket close 1008, SSE stream ended) within that bound. Absent: only expiry ends it.
   */
  recheck?: AccessRecheck;
  /** The bound above (default 5 s). */
  recheckMs?: number;
}

/** WebSocket close code when the caller's access ended while connected (RFC 6455 1008, policy violation). */
export const ACCESS_REVOKED_CLOSE_CODE = 1008;

type FeedEnv = AdminEnv & { Variables: { resumeFrom?: string } };

const ResumeQuerySchema = z
  .object({ lastEventId: FeedIdSchema.optional().openapi({ description: 'Resume after this event id (also accepted as the Last-Event-ID header).' }) })
  .strict();

/** Reads and validates the resume position (query `lastEventId` or header `Last-Event-ID`) before any upgrade or stream starts. */
const resumePosition: MiddlewareHandler<FeedEnv> = async (c, next) => {
  const value = c.req.query('lastEventId') ?? c.req.header('last-event-id');
  if (value !== undefined) {
    const parsed = FeedIdSchema.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error, 'lastEventId');
    c.set('resumeFrom', parsed.data);
  }
  await next();
};

/** Milliseconds until the caller's access token expires (the stream closes then; the client reconnects with a new one). */
function tokenLifetimeMs(c: Context, websocket: boolean, now: () => number): number {
  const { exp } = decodeJwt(requestToken(c, websocket));
  return typeof exp === 'number' ? Math.max(0, exp * 1000 - now()) : 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type RawSocket = { bufferedAmount?: number; ping?: () => void; terminate?: () => void; on?: (event: 'pong', listener: () => void) => void };

/**
 * `/ws` (WebSocket) and `/events` (Server-Sent Events): the live feed for admins. Both replay
 * what the caller missed after `lastEventId`, coalesce progress per job, send heartbeats and
 * end when the access token expires. Authentication is the app-wide authorizeRoutes (a bearer
 * header, or for the WebSocket the `bearer.<token>` subprotocol); never a query parameter.
 */
export function feedRoutes(deps: FeedRouteDeps) {
  const { feed, heartbeatMs = 15_000, progressIntervalMs = 250, highWaterBytes = 1 << 20, onError, now = Date.now, recheck, recheckMs = 5_000 } = deps;
  /** Polls `recheck` for this connection; calls `end` once when access is gone (or could not be re-checked: fail closed). */
  const watchAccess = (token: string, end: (reason: string) => void): ReturnType<typeof setInterval> | undefined => {
    if (!recheck) return undefined;
    let checking = false;
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      recheck(token).then(
        (allowed) => {
          checking = false;
          if (!allowed) {
            clearInterval(timer);
            end('access revoked');
          }
        },
        (error: unknown) => {
          clearInterval(timer);
          onError?.(error);
          end('access could not be re-checked');
        },
      );
    }, recheckMs);
    return timer;
  };
  const app = new OpenAPIHono<FeedEnv>({ defaultHook: validationHook });
  const tags = ['admin: live feed'];
  const security = [{ bearerAuth: [] }];

  const websocket = upgradeWebSocket((c) => {
    const afterId = c.get('resumeFrom');
    const lifetimeMs = tokenLifetimeMs(c, true, now);
    const token = requestToken(c, true);
    const abort = new AbortController();
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    let coalescer: ProgressCoalescer | undefined;
    return {
      onOpen(_event, ws) {
        const raw = ws.raw as RawSocket | undefined;
        let cursor = afterId;
        const send = (message: unknown) => {
          if (ws.readyState === 1) ws.send(JSON.stringify(message));
        };
        coalescer = new ProgressCoalescer({
          intervalMs: progressIntervalMs,
          now,
          deliver: (entry: FeedEntry) => {
            cursor = cursor === undefined ? entry.id : laterFeedId(cursor, entry.id);
            send({ type: 'event', id: cursor, event: entry.event });
          },
        });
        send({ type: 'hello', protocol: FEED_PROTOCOL, resumedAfter: afterId ?? null, heartbeatMs, progressIntervalMs });

        let alive = true;
        raw?.on?.('pong', () => {
          alive = true;
        });
        timers.push(
          setInterval(() => {
            if (!alive) {
              raw?.terminate?.();
              return;
            }
            alive = raw?.ping === undefined;
            raw?.ping?.();
            send({ type: 'heartbeat', at: new Date(now()).toISOString() });
          }, heartbeatMs),
        );
        timers.push(setTimeout(() => ws.close(4401, 'access token expired'), lifetimeMs));
        const watcher = watchAccess(token, (reason) => ws.close(ACCESS_REVOKED_CLOSE_CODE, reason));
        if (watcher) timers.push(watcher);

        void (async () => {
          for await (const entry of feed.subscribe({ afterId, signal: abort.signal })) {
            coalescer?.push(entry);
            // Back-pressure: stop pulling while the socket drains; the feed keeps what we have not read yet.
            while ((raw?.bufferedAmount ?? 0) > highWaterBytes && !abort.signal.aborted) await sleep(25);
          }
        })().catch((error: unknown) => {
          onError?.(error);
          ws.close(1011, 'feed unavailable');
        });
      },
      onClose() {
        abort.abort();
        for (const timer of timers) clearTimeout(timer);
        coalescer?.close();
      },
      onMessage(event, ws) {
        // The feed is one-way; a client may send {"type":"ping"} to check the connection.
        if (typeof event.data === 'string' && event.data.length < 256 && event.data.includes('"ping"')) {
          ws.send(JSON.stringify({ type: 'pong', at: new Date(now()).toISOString() }));
        }
      },
    };
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/ws',
      summary: 'Live feed over WebSocket (job progress, completions, failures, index swaps, queue depth)',
      description:
        'Authenticate with `Authorization: Bearer <token>` on the upgrade, or (browsers) offer the subprotocols ' +
        `\`${FEED_PROTOCOL}\` and \`bearer.<token>\`. Messages: \`hello\`, \`event\` {id, event}, \`heartbeat\`. ` +
        'Event ids strictly increase on one connection (progress is coalesced per job, at most one per `progressIntervalMs`, but never sent after a newer event). ' +
        'Reconnect with `?lastEventId=<id>` (the last id received) to get what was missed (bounded by FEED_MAX_EVENTS). Closes with 4401 when the token expires, and with 1008 within a few seconds (`recheckMs`) when the caller is disabled, demoted or has their password reset.',
      tags,
      security,
      middleware: [resumePosition, websocket] as const,
      request: { query: ResumeQuerySchema },
      responses: { 101: { description: 'Switching protocols' }, ...pickProblems(401, 403, 422), 426: problemResponse('Not a WebSocket upgrade') },
    }),
    () => {
      throw new AppError('upgrade-required', { detail: 'Connect with a WebSocket client.', headers: { Upgrade: 'websocket' } });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/events',
      summary: 'Live feed as Server-Sent Events (same events as /admin/ws)',
      description:
        'Each event has `id` (send it back as `Last-Event-ID` to resume) and `event` = its type; data is the event JSON. ' +
        'The stream ends when the token expires, and within a few seconds when the caller is disabled, demoted or has their password reset.',
      tags,
      security,
      middleware: [resumePosition] as const,
      request: { query: ResumeQuerySchema },
      responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...pickProblems(401, 403, 422) },
    }),
    (c) => {
      const afterId = c.get('resumeFrom');
      const lifetimeMs = tokenLifetimeMs(c, false, now);
      const token = requestToken(c, false);
      c.header('cache-control', 'no-store');
      c.header('x-accel-buffering', 'no');
      return streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        let cursor = afterId;
        let chain: Promise<void> = Promise.resolve();
        const enqueue = (write: () => Promise<unknown>) => {
          chain = chain.then(write).then(
            () => undefined,
            () => abort.abort(),
          );
        };
        const coalescer = new ProgressCoalescer({
          intervalMs: progressIntervalMs,
          now,
          deliver: (entry) => {
            cursor = cursor === undefined ? entry.id : laterFeedId(cursor, entry.id);
            const id = cursor;
            enqueue(() => stream.writeSSE({ id, event: entry.event.type, data: JSON.stringify(entry.event) }));
          },
        });
        const heartbeat = setInterval(() => enqueue(() => stream.write(': heartbeat\n\n')), heartbeatMs);
        const expiry = setTimeout(() => abort.abort(), lifetimeMs);
        const watcher = watchAccess(token, () => abort.abort());
        try {
          enqueue(() => stream.writeSSE({ event: 'hello', data: JSON.stringify({ resumedAfter: afterId ?? null, heartbeatMs, progressIntervalMs }), retry: 3000 }));
          for await (const entry of feed.subscribe({ afterId, signal: abort.signal })) {
            coalescer.push(entry);
            await chain;
          }
        } catch (error) {
          onError?.(error);
        } finally {
          clearInterval(heartbeat);
          clearTimeout(expiry);
          clearInterval(watcher);
          coalescer.close();
          await chain;
        }
      });
    },
  );

  return app;
}
