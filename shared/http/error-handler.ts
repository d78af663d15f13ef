import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, type ProblemCode } from '../errors/app-error.ts';
import { problemResponse } from '../errors/problem.ts';

const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: 'malformed-json',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'upstream-unavailable',
  504: 'upstream-timeout',
};

/** Converts anything thrown in a handler into an AppError (unknown errors stay unknown → 500). */
export function normalizeError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    const code = CODE_BY_STATUS[error.status];
    if (code) return new AppError(code, { detail: error.message || undefined, cause: error });
  }
  if (error instanceof SyntaxError) return new AppError('malformed-json', { detail: 'The request body is not valid JSON.' });
  return error;
}

export interface ErrorHandlerOptions {
  /** Called for errors that are not an AppError or are an internal one (500), so the entry can log them; expected 5xx problems (not ready, upstream down) are not. */
  onUnexpected?: (error: unknown, c: Context) => void;
}

/** The single `app.onError` of a tier: every error becomes RFC 9457 problem+json. */
export function createErrorHandler(options: ErrorHandlerOptions = {}) {
  return (error: unknown, c: Context): Response => {
    const normalized = normalizeError(error);
    if (!(normalized instanceof AppError) || normalized.code === 'internal') options.onUnexpected?.(error, c);
    const response = problemResponse(normalized, new URL(c.req.url).pathname);
    // Only the id the request-id middleware chose, never the caller's raw header.
    const requestId = c.res.headers.get('x-request-id') ?? (c.get('requestId') as string | undefined);
    if (requestId) response.headers.set('x-request-id', requestId);
    return response;
  };
}

/** `app.notFound` handler producing a 404 problem. */
export function notFoundHandler(c: Context): Response {
  return problemResponse(
    new AppError('not-found', { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }),
    new URL(c.req.url).pathname,
  );
}
