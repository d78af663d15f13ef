import { signServiceRequest } from '../../shared/auth/service-signature.ts';

export interface CoreClientOptions {
  /** Core's origin, without a trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
  /** Bound for the whole exchange, body included. */
  timeoutMs: number;
  /** When set, every request carries an HMAC service signature over method, path and the exact body. */
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

export interface CoreClient {
  post(path: string, request: CoreRequest): Promise<CoreOutcome>;
}

/** The edge's one way of calling core: POST with timeout and optional service signature. */
export function createCoreClient(options: CoreClientOptions): CoreClient {
  return {
    async post(path, request) {
      const headers = new Headers(request.headers);
      headers.set('content-type', request.contentType);
      if (options.sharedSecret) {
        const signature = await signServiceRequest({ secret: options.sharedSecret, method: 'POST', path, body: request.body });
        for (const [name, value] of Object.entries(signature)) headers.set(name, value);
      }
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
  };
}

const isTimeout = (error: unknown): boolean =>
  (error instanceof Error || error instanceof DOMException) && error.name === 'TimeoutError';
