/**
 * The one error base of the project. Every expected failure is an AppError with a stable
 * `code`; one place per tier (`app.onError`) maps it to RFC 9457 problem+json whose `type`
 * is `/problems/<code>`.
 */
export type ProblemCode =
  | 'validation-failed'
  | 'malformed-json'
  | 'malformed-request'
  | 'header-fields-too-large'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'unsafe-text'
  | 'profanity'
  | 'off-topic'
  | 'unauthorized'
  | 'invalid-credentials'
  | 'forbidden'
  | 'bad-signature'
  | 'rate-limited'
  | 'login-throttled'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'not-ready'
  | 'upstream-unavailable'
  | 'upstream-timeout'
  | 'index-mismatch'
  | 'index-corrupt'
  | 'upgrade-required'
  | 'job-active'
  | 'job-state-conflict'
  | 'live-index-version'
  | 'requires-redis'
  | 'internal';

export interface AppErrorOptions {
  detail?: string;
  /** Extra RFC 9457 extension members (e.g. `errors`, `retryAfter`). Must be safe to show to clients. */
  extensions?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

const STATUS_BY_CODE: Record<ProblemCode, number> = {
  'validation-failed': 422,
  'malformed-json': 400,
  'malformed-request': 400,
  'header-fields-too-large': 431,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  'unsafe-text': 422,
  profanity: 422,
  'off-topic': 422,
  unauthorized: 401,
  'invalid-credentials': 401,
  forbidden: 403,
  'bad-signature': 401,
  'rate-limited': 429,
  'login-throttled': 429,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'not-ready': 503,
  'upstream-unavailable': 503,
  'upstream-timeout': 504,
  'index-mismatch': 409,
  // A stored version (or delta) failed its checksum or structure checks: the request is fine, the
  // version it names cannot be served; the live one keeps serving.
  'index-corrupt': 409,
  'upgrade-required': 426,
  'job-active': 409,
  'job-state-conflict': 409,
  'live-index-version': 409,
  // Not a temporary outage: this deployment runs without Redis, so the feature does not exist here.
  'requires-redis': 501,
  internal: 500,
};

const TITLE_BY_CODE: Record<ProblemCode, string> = {
  'validation-failed': 'Request validation failed',
  'malformed-json': 'Malformed JSON body',
  'malformed-request': 'Malformed HTTP request',
  'header-fields-too-large': 'Request header fields too large',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  'unsafe-text': 'Text contains disallowed content',
  profanity: 'Text contains profanity',
  'off-topic': 'Question is outside what APFA answers',
  unauthorized: 'Authentication required',
  'invalid-credentials': 'Invalid username or password',
  forbidden: 'Permission denied',
  'bad-signature': 'Invalid service signature',
  'rate-limited': 'Too many requests',
  'login-throttled': 'Too many failed sign-ins for this account',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Conflict',
  'not-ready': 'Service not ready',
  'upstream-unavailable': 'Upstream service unavailable',
  'upstream-timeout': 'Upstream service timed out',
  'index-mismatch': 'Index and embedder do not match',
  'index-corrupt': 'Stored index version failed its checks',
  'upgrade-required': 'Upgrade required',
  'job-active': 'Job is running',
  'job-state-conflict': 'Job is not in a state that allows this',
  'live-index-version': 'Index version is live',
  'requires-redis': 'Needs the BullMQ job runner (REDIS_URL)',
  internal: 'Internal server error',
};

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ProblemCode, options: AppErrorOptions = {}) {
    super(options.detail ?? TITLE_BY_CODE[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.title = TITLE_BY_CODE[code];
    this.detail = options.detail;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export const problemStatus = (code: ProblemCode): number => STATUS_BY_CODE[code];
export const problemTitle = (code: ProblemCode): string => TITLE_BY_CODE[code];
