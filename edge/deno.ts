/**
 * Deno entry: `deno run --allow-net --allow-env --allow-read edge/deno.ts`. Same app and deps
 * factory as the Worker; env comes from the process environment, PORT/HOST pick the listener.
 */
import { createEdgeApp } from './app.ts';
import { parseEdgeConfig } from './config.ts';
import { createEdgeDeps } from './create-edge-deps.ts';
import type { ClientAddressBindings } from './http/client-ip.ts';
import { toHonoExecutionContext, type ExecutionContextLike } from './http/execution-context.ts';

/** The slice of the Deno namespace used here, so tsc needs no Deno types. */
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request, info: { remoteAddr: { hostname: string; port: number } }) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  exit(code?: number): never;
};

const env = Deno.env.toObject();
const app = createEdgeApp(createEdgeDeps(parseEdgeConfig(env)));

/** Background work (cache writes, counters) tracked so a shutdown can let it finish. */
const pending = new Set<Promise<unknown>>();
const context: ExecutionContextLike = {
  waitUntil(promise) {
    const tracked: Promise<unknown> = promise
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => pending.delete(tracked));
    pending.add(tracked);
  },
};
const executionContext = toHonoExecutionContext(context);

const server = Deno.serve(
  {
    port: Number(env.PORT ?? 8787),
    hostname: env.HOST ?? '127.0.0.1',
    onListen: ({ hostname, port }) => console.log(JSON.stringify({ msg: 'APFA edge listening', url: `http://${hostname}:${port}` })),
  },
  // The socket peer: rate limits never trust X-Forwarded-For or CF-Connecting-IP, which any client can send here.
  (request, info) => {
    const bindings: ClientAddressBindings = { clientAddress: info.remoteAddr.hostname };
    return app.fetch(request, bindings, executionContext);
  },
);

const stop = () => {
  void Promise.allSettled([...pending])
    .then(() => server.shutdown())
    .finally(() => Deno.exit(0));
};
Deno.addSignalListener('SIGTERM', stop);
Deno.addSignalListener('SIGINT', stop);
