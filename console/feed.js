// The admin live feed over /admin/ws: the token rides as a `bearer.<jwt>` subprotocol (never the
// URL); after a drop it reconnects with `lastEventId` so the server replays what was missed.
import { refresh, session } from './session.js';

const PROTOCOL = 'apfa.feed.v1';
const listeners = new Set();
const statusListeners = new Set();
const reconnectListeners = new Set();
let socket;
let lastEventId;
let retryTimer;
let attempts = 0;
let wanted = false;
let status = 'closed';
let wasLive = false;

function setStatus(next) {
  status = next;
  for (const listener of statusListeners) listener(next);
}

/** Calls `listener(event)` for each feed event (job.progress, job.completed, index.swapped …). */
export function onFeedEvent(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls `listener(status)`: 'connecting', 'live', 'reconnecting' or 'closed'. */
export function onFeedStatus(listener) {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}

/**
 * Calls `listener({ resumedAfter })` each time the feed is live again after a drop (not on the
 * first connection): the server replays what came after `resumedAfter` (null when no event had
 * been received, so nothing could be replayed). Pages re-read what they show, in case the
 * replay could not reach back far enough (the server keeps a bounded number of events).
 */
export function onFeedReconnect(listener) {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

function connect() {
  const current = session();
  if (!wanted || !current) return;
  const url = new URL('/admin/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (lastEventId) url.searchParams.set('lastEventId', lastEventId);
  setStatus(attempts === 0 ? 'connecting' : 'reconnecting');
  const ws = new WebSocket(url, [PROTOCOL, `bearer.${current.token}`]);
  socket = ws;
  ws.addEventListener('message', (message) => {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (data.type === 'hello') {
      const again = wasLive;
      wasLive = true;
      attempts = 0;
      setStatus('live');
      if (again) for (const listener of reconnectListeners) listener({ resumedAfter: data.resumedAfter ?? null });
    } else if (data.type === 'event') {
      lastEventId = data.id;
      for (const listener of listeners) listener(data.event);
    }
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    socket = undefined;
    if (!wanted) return setStatus('closed');
    attempts += 1;
    setStatus('reconnecting');
    // The server closes at token expiry: reconnect with a fresh token, backing off to 10 s.
    const delay = Math.min(10_000, 500 * 2 ** Math.min(attempts - 1, 5));
    retryTimer = setTimeout(async () => {
      if (attempts > 1 && !(await refresh())) return;
      connect();
    }, delay);
  });
}

/** Opens the feed (idempotent). */
export function startFeed() {
  if (wanted) return;
  wanted = true;
  attempts = 0;
  connect();
}

/** Closes the feed (sign-out). */
export function stopFeed() {
  wanted = false;
  clearTimeout(retryTimer);
  const ws = socket;
  socket = undefined;
  ws?.close();
  lastEventId = undefined;
  wasLive = false;
  setStatus('closed');
}
