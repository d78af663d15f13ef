import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** Stops a server gracefully; resolves true when every request finished within `graceMs`. */
export type DrainServer = (graceMs: number) => Promise<boolean>;

/** How long a connection opened just before the stop has to send its request. */
const FIRST_REQUEST_MS = 2000;

/**
 * Tracks the server's connections from now on and returns the function that stops it
 * gracefully: the listening socket closes (new connections are refused), requests in flight
 * finish, each response says `Connection: close` and its connection closes after it, idle
 * keep-alive connections close at once, and a connection accepted just before the stop still
 * gets its first request served (it has FIRST_REQUEST_MS to send it). After `graceMs` whatever is
 * still open is cut. Call at start, before connections arrive.
 */
export function trackForDrain(server: Server): DrainServer {
  const connections = new Map<Socket, { served: boolean; active: number; openedAt: number }>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { served: false, active: 0, openedAt: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const state = connections.get(request.socket);
    if (draining) response.shouldKeepAlive = false;
    if (!state) return;
    state.served = true;
    state.active++;
    response.once('close', () => {
      state.active--;
    });
  });
  const closeIdle = () => {
    const now = Date.now();
    for (const [socket, state] of connections) {
      if (state.active > 0) continue;
      if (state.served || now - state.openedAt > FIRST_REQUEST_MS) socket.destroy();
    }
  };
  return (graceMs) =>
    new Promise((resolve) => {
      draining = true;
      let done = false;
      let listenerClosed = false;
      const finish = (drained: boolean) => {
        if (done) return;
        done = true;
        clearInterval(sweep);
        clearTimeout(timer);
        resolve(drained);
      };
      // net.Server's close stops accepting without http.Server's closing of idle connections, which
      // would also cut a connection whose first request has not been read yet.
      NetServer.prototype.close.call(server, () => {
        listenerClosed = true;
        finish(true);
      });
      const sweep = setInterval(() => {
        closeIdle();
        if (listenerClosed && connections.size === 0) finish(true);
      }, 25);
      closeIdle();
      const timer = setTimeout(() => {
        for (const socket of connections.keys()) socket.destroy();
        finish(false);
      }, graceMs);
    });
}
