import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { validationHook } from '../../shared/http/validation-hook.ts';
import type { AuthVariables } from '../http/authenticate.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';
import type { AdviceHistory, AdviceHistoryEntry } from './advice-history.ts';
import { RowCursorSchema } from '../http/row-cursor.ts';

const HistoryEntrySchema = z
  .object({
    id: z.string(),
    askedAt: z.iso.datetime(),
    question: z.string().openapi({ description: 'The question as typed, personal data replaced when the redactor is on.' }),
    questionRedacted: z.boolean(),
    indexVersion: z.string(),
    generator: z.string(),
    bias: z.object({ flagged: z.boolean(), score: z.number() }),
    sources: z.array(z.object({ id: z.string(), title: z.string() })),
  })
  .openapi('AdviceHistoryEntry');

const HistoryPageSchema = z
  .object({
    items: z.array(HistoryEntrySchema),
    nextCursor: z.string().nullable(),
    retentionDays: z.number().int().openapi({ description: 'Entries older than this are deleted.' }),
  })
  .openapi('AdviceHistoryPage');

const HistoryQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: RowCursorSchema.optional(),
  })
  .strict();

const toJson = (entry: AdviceHistoryEntry) => ({ ...entry, askedAt: entry.askedAt.toISOString() });

/** `GET /v1/advice/history`: the caller's own questions and answer metadata, newest first. */
export function historyRoutes(deps: { history: Pick<AdviceHistory, 'list' | 'retentionDays'> }) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/advice/history',
      summary: 'Your own advice history (questions, index version, generator, fairness result, sources)',
      tags: ['advice'],
      security: [{ bearerAuth: [] }],
      request: { query: HistoryQuerySchema },
      responses: { 200: { description: 'History', content: { 'application/json': { schema: HistoryPageSchema } } }, ...pickProblems(401, 403, 422) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await deps.history.list(c.get('user').sub, { limit: query.limit, before: query.cursor });
      return c.json({ items: page.items.map(toJson), nextCursor: page.nextCursor, retentionDays: deps.history.retentionDays }, 200, { 'cache-control': 'private, no-store' });
    },
  );
  return app;
}
