import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { AdviceRequestSchema, AdviceResponseSchema, MAX_BODY_BYTES, type AdviceResponse } from '../../shared/contracts/advice.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { assertQueryAllowed } from '../../shared/policy/text-policy.ts';
import { answerQuestion, type AnswerQuestionDeps } from '../advice/answer-question.ts';
import type { AuthVariables } from '../http/authenticate.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';

export interface AdviceRouteDeps {
  pipeline: AnswerQuestionDeps;
  /** Authentication + `advice:generate` permission. */
  authorize: MiddlewareHandler<{ Variables: AuthVariables }>;
  guard?: MiddlewareHandler;
  /** The caller's IP for the audit of flagged answers (core/audit/client-ip.ts); null when unknown. */
  clientIp?: (c: Context) => string | null;
  /** Told about every answer sent (metrics): its flagged characteristics and the response. */
  onAnswered?: (result: { flaggedCharacteristics: string[]; response: AdviceResponse }) => void;
  /** Keeps the answered question in the caller's advice history (user id from the verified token). */
  recordAnswer?: (answered: { userId: string; query: string; response: AdviceResponse }) => void;
}

export function adviceRoutes(deps: AdviceRouteDeps) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/advice',
      summary: 'Grounded loan advice with cited sources, a fairness check and a disclaimer',
      tags: ['advice'],
      security: [{ bearerAuth: [] }],
      middleware: [jsonBodyGuard({ maxBytes: MAX_BODY_BYTES }), ...(deps.guard ? [deps.guard] : []), deps.authorize] as const,
      request: { body: { required: true, content: { 'application/json': { schema: AdviceRequestSchema } } } },
      responses: {
        200: { description: 'Advice', content: { 'application/json': { schema: AdviceResponseSchema } } },
        ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503),
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      const query = assertQueryAllowed(request.query);
      const user = c.get('user');
      const response = await answerQuestion(deps.pipeline, { ...request, query }, c.req.raw.signal, undefined, { userId: user.sub, username: user.username, requestId: c.get('requestId'), clientIp: deps.clientIp?.(c) ?? null });
      deps.onAnswered?.({ flaggedCharacteristics: response.bias.flags.filter((flag) => flag.location === 'answer').map((flag) => flag.characteristic), response });
      deps.recordAnswer?.({ userId: c.get('user').sub, query, response });
      return c.json(response, 200);
    },
  );
  return app;
}
