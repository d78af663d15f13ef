import { createEdgeApp, type EdgeApp, type EdgeAppDeps } from '../../edge/app.ts';
import { parseEdgeConfig } from '../../edge/config.ts';
import { createEdgeDeps } from '../../edge/create-edge-deps.ts';
import type { ExecutionContextLike } from '../../edge/http/execution-context.ts';
import { toHonoExecutionContext } from '../../edge/http/execution-context.ts';

/** An edge app built exactly as the Worker builds it, driven through `app.request()`. */
export interface EdgeAppHarness {
  app: EdgeApp;
  deps: EdgeAppDeps;
  /**
   * Sends a request and waits for its background work (cache writes, counters) to finish. An
   * event-stream body is read to its end first (its background work settles only then) and comes
   * back as a buffered copy.
   */
  request(path: string, init?: RequestInit, options?: { clientAddress?: string | null }): Promise<Response>;
}

/** The caller's address the harness passes as its entry would (edge/http/client-ip.ts), unless a request names another. */
export const HARNESS_CLIENT_ADDRESS = '192.0.2.10';

export function createEdgeAppHarness(bindings: Record<string, string>, overrides: Partial<EdgeAppDeps> = {}): EdgeAppHarness {
  const deps = { ...createEdgeDeps(parseEdgeConfig(bindings)), ...overrides };
  const app = createEdgeApp(deps);
  return {
    app,
    deps,
    async request(path, init, options = {}) {
      const pending: Promise<unknown>[] = [];
      const context: ExecutionContextLike = { waitUntil: (promise) => void pending.push(promise) };
      const clientAddress = options.clientAddress === undefined ? HARNESS_CLIENT_ADDRESS : options.clientAddress;
      const response = await app.request(path, init, { ...bindings, clientAddress }, toHonoExecutionContext(context));
      if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        await Promise.allSettled(pending);
        return response;
      }
      const body = await response.text();
      await Promise.allSettled(pending);
      return new Response(body, { status: response.status, headers: response.headers });
    },
  };
}

/** A JSON POST init. */
export const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** Asserts an RFC 9457 problem with the stable type, and returns it. */
export async function readProblem(response: Response): Promise<{ type: string; code: string; status: number; title: string; detail?: string; errors?: Array<{ path: string; message: string }> }> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${contentType} (${response.status}): ${await response.text()}`);
  }
  return (await response.json()) as Awaited<ReturnType<typeof readProblem>>;
}

/** One event of a text/event-stream body, its data parsed as JSON. */
export interface StreamedEvent {
  event: string;
  data: unknown;
}

/** Parses a complete text/event-stream body (events separated by blank lines, JSON data); comments (`: keep-alive`) are skipped. */
export function parseEventStream(body: string): StreamedEvent[] {
  return body
    .split(/\r?\n\r?\n/)
    .filter((block) => block.split(/\r?\n/).some((line) => line.startsWith('data:')))
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}
