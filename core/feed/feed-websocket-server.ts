import { WebSocketServer } from 'ws';

/** Subprotocol of the admin feed; clients offer it first, and the server selects it. */
export const FEED_PROTOCOL = 'apfa.feed.v1';

/**
 * The `ws` server behind `/admin/ws`, in noServer mode as @hono/node-server wants it: pass it
 * to `serve({ ..., websocket: { server } })`. It selects the `apfa.feed.v1` subprotocol, never
 * the `bearer.<token>` entry a browser offers to carry its token, so the token is not echoed.
 */
export function createFeedWebSocketServer(options: { maxPayloadBytes?: number } = {}): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? 4096,
    handleProtocols: (protocols) => (protocols.has(FEED_PROTOCOL) ? FEED_PROTOCOL : false),
  });
}
