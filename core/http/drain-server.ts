import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Graceful stop of an HTTP server: stops accepting connections, lets the requests in flight
 * finish and closes each connection once its response is written (responses say
 * `Connection: close`, idle keep-alive connections are closed at once and as they become idle).
 * After `graceMs` whatever is still open is cut. Resolves true when every request finished in
 * time, false when the grace period ran out.
 */
export function drainServer(server: Server, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const closeAfterResponse = (_request: IncomingMessage, response: ServerResponse) => {
      response.shouldKeepAlive = false;
    };
    server.on('request', closeAfterResponse);
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const finish = (drained: boolean) => {
      if (done) return;
      done = true;
      clearInterval(idle);
      clearTimeout(timer);
      server.off('request', closeAfterResponse);
      resolve(drained);
    };
    const timer = setTimeout(() => {
      server.closeAllConnections();
      finish(false);
    }, graceMs);
    server.close(() => finish(true));
    server.closeIdleConnections();
  });
}
