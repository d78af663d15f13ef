import { signServiceRequest } from '../../shared/auth/service-signature.ts';

export interface CoreClientOptions {
  /** Core's origin, without a trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
  /**
   * For `post`: bound for the whole exchange, body included. For `stream`: the longest core may
   * stay silent — before its response starts, and between two chunks of an event stream.
   */
  timeoutMs: number;
  /**
   * When set, every request carries a version-2 HMAC service signature over method, path with
   * query, the exact body, the Authorization header, the time and a nonce (shared/auth/service-signature.ts).
   */
  sharedSecret?: string | undefined;
}

export interface CoreRequest {
  body: string;
  contentType: string;
  /** Extra headers (Authorization, x-request-id); the signature and content-type are added here. */
  headers?: Record<string, string>;
}

/** What came back from core; transport failures are results, not exceptions, so callers can fall back. */
export type CoreOutcome =
  | { kind: 'response'; status: number; headers: Headers; body: string }
  | { kind: 'unreachable'; cause: unknown }
  | { kind: 'timeout'; cause: unknown };

/**
 * `stream`: core answered 200 with text/event-stream; the body is unread. It errors with a
 * `TimeoutError` when core stays silent past the timeout, and cancelling it aborts the request to
 * core. Any other answer is read whole, as from `post`.
 */
export type CoreStreamOutcome = CoreOutcome | { kind: 'stream'; headers: Headers; body: ReadableStream<Uint8Array> };

export interface CoreStreamRequest extends CoreRequest {
  /** The client's side: when it aborts (client gone), so does the request to core. */
  signal?: AbortSignal | undefined;
}

export interface CoreClient {
  post(path: string, request: CoreRequest): Promise<CoreOutcome>;
  /** POST to an endpoint answering with Server-Sent Events, piped rather than read whole. */
  stream(path: string, request: CoreStreamRequest): Promise<CoreStreamOutcome>;
}

/** The edge's one way of calling core: POST with timeout and optional service signature. */
export function createCoreClient(options: CoreClientOptions): CoreClient {
  const prepare = async (path: string, request: CoreRequest): Promise<Headers> => {
    const headers = new Headers(request.headers);
    headers.set('content-type', request.contentType);
    if (options.sharedSecret) {
      // Bound to this caller's Authorization header, with a fresh nonce core remembers: one signature, one request.
      const signature = await signServiceRequest({ secret: options.sharedSecret, method: 'POST', path, body: request.body, authorization: headers.get('authorization') });
      for (const [name, value] of Object.entries(signature)) headers.set(name, value);
    }
    return headers;
  };

  return {
    async post(path, request) {
      const headers = await prepare(path, request);
      try {
        const response = await options.fetch(`${options.baseUrl}${path}`, {
          method: 'POST',
          headers,
          body: request.body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const body = await response.text();
        return { kind: 'response', status: response.status, headers: response.headers, body };
      } catch (error) {
        return isTimeout(error) ? { kind: 'timeout', cause: error } : { kind: 'unreachable', cause: error };
      }
    },

    async stream(path, request) {
      const headers = await prepare(path, request);
      headers.set('accept', 'text/event-stream');
      const silence = createSilenceTimer(options.timeoutMs);
      const forgetClient = followAbort(request.signal, silence.controller);
      const failed = (error: unknown): CoreOutcome => {
        silence.stop();
        forgetClient();
        return silence.timedOut() ? { kind: 'timeout', cause: error } : { kind: 'unreachable', cause: error };
      };
      let response: Response;
      try {
        silence.start();
        response = await options.fetch(`${options.baseUrl}${path}`, { method: 'POST', headers, body: request.body, signal: silence.controller.signal });
      } catch (error) {
        return failed(error);
      }
      if (response.status !== 200 || !isEventStream(response.headers) || !response.body) {
        try {
          const body = await response.text();
          silence.stop();
          forgetClient();
          return { kind: 'response', status: response.status, headers: response.headers, body };
        } catch (error) {
          return failed(error);
        }
      }
      silence.stop();
      const upstream = response.body.getReader();
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            silence.start();
            try {
              const { done, value } = await upstream.read();
              silence.stop();
              if (cancelled) return; // the consumer left while this read waited
              if (done) {
                forgetClient();
                controller.close();
              } else {
                controller.enqueue(value);
              }
            } catch (error) {
              silence.stop();
              forgetClient();
              if (!cancelled) controller.error(silence.timedOut() ? silence.reason : error);
            }
          },
          async cancel(reason) {
            cancelled = true;
            silence.stop();
            forgetClient();
            silence.controller.abort(reason);
            await upstream.cancel(reason).catch(() => undefined);
          },
        },
        // Pull only when the consumer asks: the silence timer then measures core, never a slow client.
        { highWaterMark: 0 },
      );
      return { kind: 'stream', headers: response.headers, body };
    },
  };
}

/** Aborts the request to core when core stays silent for `timeoutMs` while the edge is waiting on it. */
function createSilenceTimer(timeoutMs: number) {
  const controller = new AbortController();
  const reason = new DOMException(`Core sent nothing for ${timeoutMs} ms.`, 'TimeoutError');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fired = false;
  return {
    controller,
    reason,
    start() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        fired = true;
        controller.abort(reason);
      }, timeoutMs);
    },
    stop: () => clearTimeout(timer),
    timedOut: () => fired,
  };
}

/** Forwards an abort from `signal` to `controller`; returns the function that stops forwarding. */
function followAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => undefined;
  }
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

const isEventStream = (headers: Headers): boolean => (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() === 'text/event-stream';

const isTimeout = (error: unknown): boolean =>
  (error instanceof Error || error instanceof DOMException) && error.name === 'TimeoutError';
