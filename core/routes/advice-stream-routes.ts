import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import { AdviceRequestSchema, MAX_BODY_BYTES } from '../../shared/contracts/advice.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { toProblem } from '../../shared/errors/problem.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { assertQueryAllowed } from '../../shared/policy/text-policy.ts';
import { answerQuestion } from '../advice/answer-question.ts';
import type { AuthVariables } from '../http/authenticate.ts';
import type { AdviceRouteDeps } from './advice-routes.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';

export interface AdviceStreamRouteDeps extends AdviceRouteDeps {
  /** Seconds from the request to the first token written (time to first token). */
  observeFirstToken?: (seconds: number) => void;
  /** Streams ended by an `error` event, by problem code. */
  onStreamError?: (code: string) => void;
  now?: () => number;
}

const STREAM_DESCRIPTION = [
  'Server-Sent Events, in order:',
  '`meta` — `{ sources, indexVersion }` once the passages are retrieved;',
  '`token` — `{ text }` for each piece of the draft as the model writes it (the extractive generator sends its whole answer as one token);',
  '`done` — the complete AdviceResponse. Its `advice` is authoritative and replaces the draft: citations pointing to no source are removed, a model failure or uncited draft is replaced by the extractive answer (`degraded: true`), and the fairness check may substitute the attribute-neutral answer;',
  '`error` — problem+json, when the answer failed after the stream started (nothing follows it).',
  'Failures before the stream starts (auth, validation, text policy, no index) are ordinary problem+json responses.',
].join(' ');

/** `POST /v1/advice/stream`: the advice pipeline with its progress streamed as Server-Sent Events. */
export function adviceStreamRoutes(deps: AdviceStreamRouteDeps) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook });
  const now = deps.now ?? (() => performance.now());
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/advice/stream',
      summary: 'Grounded loan advice streamed as it is written (Server-Sent Events)',
      description: STREAM_DESCRIPTION,
      tags: ['advice'],
      security: [{ bearerAuth: [] }],
      middleware: [jsonBodyGuard({ maxBytes: MAX_BODY_BYTES }), ...(deps.guard ? [deps.guard] : []), deps.authorize] as const,
      request: { body: { required: true, content: { 'application/json': { schema: AdviceRequestSchema } } } },
      responses: {
        200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: z.string().openapi({ example: 'event: token\ndata: {"text":"FHA loans"}\n\n' }) } } },
        ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503),
      },
    }),
    async (c) => {
      const started = now();
      const request = c.req.valid('json');
      const query = assertQueryAllowed(request.query);
      // Refused as a plain 503 before any event is written, like the JSON route.
      if (!deps.pipeline.live.current()) throw new AppError('not-ready', { detail: 'No index is loaded yet. Try again shortly.', headers: { 'Retry-After': '5' } });
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        const gone = new AbortController();
        stream.onAbort(() => gone.abort(new DOMException('The client closed the stream.', 'AbortError')));
        const signal = AbortSignal.any([gone.signal, c.req.raw.signal]);
        // Events are written in order; a token never overtakes `meta`, and `done` waits for all tokens.
        let writing: Promise<void> = Promise.resolve();
        const send = (event: string, data: unknown) => {
          writing = writing.then(() => (stream.aborted ? undefined : stream.writeSSE({ event, data: JSON.stringify(data) })));
          return writing;
        };
        let firstToken = true;
        const user = c.get('user');
        try {
          const response = await answerQuestion(deps.pipeline, { ...request, query }, signal, {
            onRetrieved: (meta) => void send('meta', meta),
            onToken: (text) => {
              if (firstToken) {
                firstToken = false;
                deps.observeFirstToken?.((now() - started) / 1000);
              }
              void send('token', { text });
            },
          }, { userId: user.sub, username: user.username, requestId: c.get('requestId'), clientIp: deps.clientIp?.(c) ?? null });
          deps.onAnswered?.({ flaggedCharacteristics: response.bias.flags.filter((flag) => flag.location === 'answer').map((flag) => flag.characteristic), response });
          deps.recordAnswer?.({ userId: c.get('user').sub, query, response });
          await send('done', response);
        } catch (error) {
          if (signal.aborted) return;
          const problem = toProblem(error, new URL(c.req.url).pathname);
          deps.onStreamError?.(String(problem.code));
          await send('error', problem);
        }
      });
    },
  );
  return app;
}

/** Mounts `POST /v1/advice/stream` on core's app, as `adviceRoutes` is mounted. */
export function registerAdviceStreamRoutes(app: OpenAPIHono<{ Variables: { requestId: string } }>, deps: AdviceStreamRouteDeps): void {
  app.route('/', adviceStreamRoutes(deps));
}
