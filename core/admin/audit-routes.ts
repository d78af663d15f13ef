import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { validationHook } from '../../shared/http/validation-hook.ts';
import type { AuditLog, AuditRecord } from '../audit/audit-log.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';
import { AuditPageSchema, AuditQuerySchema } from './admin-schemas.ts';
import type { AdminEnv } from './admin-variables.ts';

const toJson = (record: AuditRecord) => ({ ...record, at: record.at.toISOString() });

/** Reading the audit log (newest first, paged). There is deliberately no route that changes it. */
export function auditRoutes(deps: { audit: Pick<AuditLog, 'query'> }) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      summary: 'Query the audit log by actor, action, target, outcome and time (newest first)',
      tags: ['admin: audit'],
      security: [{ bearerAuth: [] }],
      request: { query: AuditQuerySchema },
      responses: { 200: { description: 'Audit rows', content: { 'application/json': { schema: AuditPageSchema } } }, ...pickProblems(401, 403, 422) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await deps.audit.query({
        actorId: query.actorId,
        actorUsername: query.actor?.toLowerCase(),
        action: query.action,
        target: query.target,
        outcome: query.outcome,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
        before: query.cursor,
        limit: query.limit,
      });
      return c.json({ items: page.items.map(toJson), nextCursor: page.nextCursor }, 200);
    },
  );
  return app;
}
