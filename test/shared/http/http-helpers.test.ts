import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { AppError, problemStatus } from '../../../shared/errors/app-error.ts';
import { PROBLEM_CONTENT_TYPE, problemResponse, toProblem } from '../../../shared/errors/problem.ts';
import { createErrorHandler, notFoundHandler } from '../../../shared/http/error-handler.ts';
import { jsonBodyGuard } from '../../../shared/http/json-body-guard.ts';
import { validationHook, zodIssuesToErrors } from '../../../shared/http/validation-hook.ts';

const INTERNAL_SECRET = 'postgres://admin:hunter2@db.internal:5432/apfa';

/** A tiny app wired like the tiers: one onError, one notFound, a guarded and validated JSON route. */
function testApp() {
  const unexpected: unknown[] = [];
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(createErrorHandler({ onUnexpected: (error) => unexpected.push(error) }));
  app.notFound(notFoundHandler);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/echo',
      middleware: [jsonBodyGuard({ maxBytes: 100 })] as const,
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ query: z.string().min(3), count: z.number().int().optional() }).strict() } },
        },
      },
      responses: { 200: { description: 'echo', content: { 'application/json': { schema: z.object({ query: z.string() }) } } } },
    }),
    (c) => c.json({ query: c.req.valid('json').query }, 200),
  );
  app.get('/boom', () => {
    throw new Error(`connection to ${INTERNAL_SECRET} refused`);
  });
  app.get('/forbidden', () => {
    throw new AppError('forbidden', { detail: 'Needs admin:jobs:manage.' });
  });
  app.get('/not-ready', () => {
    throw new AppError('not-ready', { detail: 'No index is loaded yet.' });
  });
  app.get('/internal', () => {
    throw new AppError('internal', { detail: 'the search worker crashed' });
  });
  app.get('/http-exception', () => {
    throw new HTTPException(429, { message: 'Slow down.' });
  });
  return { app, unexpected };
}

const post = (body: BodyInit, contentType = 'application/json', headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': contentType, ...headers },
  body,
});

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** Asserts the RFC 9457 envelope and returns the body. */
async function problem(response: Response, status: number, code: string): Promise<ProblemBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const body = (await response.json()) as ProblemBody;
  expect(body).toMatchObject({ type: `/problems/${code}`, code, status, title: expect.any(String) });
  return body;
}

describe('http helpers in a Hono app', () => {
  it('passes a small valid JSON body through the guard to the validated handler', async () => {
    const { app } = testApp();
    const response = await app.request('/echo', post(JSON.stringify({ query: 'What is APR?' })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ query: 'What is APR?' });
  });

  it('answers 415 for text/plain', async () => {
    const { app } = testApp();
    const body = await problem(await app.request('/echo', post('{"query":"What is APR?"}', 'text/plain')), 415, 'unsupported-media-type');
    expect(body.detail).toMatch(/application\/json/);
  });

  it('answers 415 when there is no content type', async () => {
    const { app } = testApp();
    await problem(await app.request('/echo', { method: 'POST', body: new Blob(['{"query":"abc"}']) }), 415, 'unsupported-media-type');
  });

  it('answers 413 for a 200-byte body', async () => {
    const { app } = testApp();
    const json = JSON.stringify({ query: 'x'.repeat(200 - '{"query":""}'.length) });
    expect(new TextEncoder().encode(json).byteLength).toBe(200);
    const body = await problem(await app.request('/echo', post(json)), 413, 'payload-too-large');
    expect(body.detail).toMatch(/100 bytes/);
  });

  it('answers 413 for an oversized streamed body without Content-Length', async () => {
    const { app } = testApp();
    const chunk = new TextEncoder().encode(`{"query":"${'y'.repeat(150)}"}`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk.slice(0, 60));
        controller.enqueue(chunk.slice(60));
        controller.close();
      },
    });
    const request = new Request('http://test.local/echo', { ...post(stream), duplex: 'half' } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    await problem(await app.request(request), 413, 'payload-too-large');
  });

  it('answers 400 for invalid JSON', async () => {
    const { app } = testApp();
    const body = await problem(await app.request('/echo', post('{"query": "What is APR?"')), 400, 'malformed-json');
    expect(body.detail).toMatch(/not valid JSON/);
  });

  it('answers 422 with an errors array for a schema failure', async () => {
    const { app } = testApp();
    const body = await problem(await app.request('/echo', post(JSON.stringify({ query: 'ab', count: 1.5 }))), 422, 'validation-failed');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'query', message: expect.any(String) },
        { path: 'count', message: expect.any(String) },
      ]),
    );
    expect(body.detail).toMatch(/^Invalid json: /);
  });

  it('answers 422 for an unexpected field and never echoes the input values', async () => {
    const { app } = testApp();
    const body = await problem(await app.request('/echo', post(JSON.stringify({ query: 'abc', secretish: 'S3CR3T-VALUE' }))), 422, 'validation-failed');
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain('S3CR3T-VALUE');
  });

  it('answers a 404 problem for an unknown route', async () => {
    const { app } = testApp();
    const body = await problem(await app.request('/v1/nowhere'), 404, 'not-found');
    expect(body.detail).toBe('No route for GET /v1/nowhere');
    expect(body.instance).toBe('/v1/nowhere');
  });

  it('answers a 500 problem without internals for a thrown plain Error, and reports it', async () => {
    const { app, unexpected } = testApp();
    const response = await app.request('/boom', { headers: { 'x-request-id': 'req-123' } });
    const text = await response.clone().text();
    const body = await problem(response, 500, 'internal');
    expect(body.detail).toBe('An unexpected error occurred. It has been logged.');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('db.internal');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    // Without the request-id middleware nothing chose an id: the caller's header is not echoed.
    expect(response.headers.get('x-request-id')).toBeNull();
    expect(unexpected).toHaveLength(1);
    expect((unexpected[0] as Error).message).toContain(INTERNAL_SECRET);
  });

  it('maps an AppError to its status and does not report it as unexpected', async () => {
    const { app, unexpected } = testApp();
    const body = await problem(await app.request('/forbidden'), 403, 'forbidden');
    expect(body.detail).toBe('Needs admin:jobs:manage.');
    expect(unexpected).toEqual([]);
  });

  it('reports an internal AppError as unexpected, but not an expected 503 such as not-ready', async () => {
    const { app, unexpected } = testApp();
    await problem(await app.request('/not-ready'), 503, 'not-ready');
    expect(unexpected).toEqual([]);
    await problem(await app.request('/internal'), 500, 'internal');
    expect(unexpected).toHaveLength(1);
  });

  it("maps Hono's HTTPException by status", async () => {
    const { app } = testApp();
    expect((await problem(await app.request('/http-exception'), 429, 'rate-limited')).detail).toBe('Slow down.');
  });
});

describe('problem details', () => {
  it('builds problem+json from an AppError, with extensions and headers', async () => {
    const error = new AppError('rate-limited', { detail: 'Try again in 10 s.', extensions: { retryAfter: 10 }, headers: { 'Retry-After': '10' } });
    expect(toProblem(error, '/v1/advice')).toEqual({
      type: '/problems/rate-limited',
      title: 'Too many requests',
      status: 429,
      detail: 'Try again in 10 s.',
      instance: '/v1/advice',
      code: 'rate-limited',
      retryAfter: 10,
    });
    const response = problemResponse(error);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(response.headers.get('retry-after')).toBe('10');
  });

  it('does not let extensions override the standard members', () => {
    const error = new AppError('forbidden', { extensions: { status: 200, type: '/problems/ok', code: 'ok' } });
    expect(toProblem(error)).toMatchObject({ status: 403, type: '/problems/forbidden', code: 'forbidden' });
  });

  it('gives each code its status', () => {
    expect([problemStatus('validation-failed'), problemStatus('unauthorized'), problemStatus('not-ready'), problemStatus('internal')]).toEqual([
      422, 401, 503, 500,
    ]);
    expect(new AppError('off-topic')).toMatchObject({ status: 422, code: 'off-topic', message: 'Question is outside what APFA answers' });
  });

  it('flattens zod issues to path and message', () => {
    const result = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: 'x' } });
    expect(result.success).toBe(false);
    if (!result.success) expect(zodIssuesToErrors(result.error)).toEqual([{ path: 'a.b', message: expect.any(String) }]);
    const root = z.string().safeParse(1);
    expect(root.success).toBe(false);
    if (!root.success) expect(zodIssuesToErrors(root.error)).toEqual([{ path: '(body)', message: expect.any(String) }]);
  });
});
