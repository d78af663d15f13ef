import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { noteAudit } from '../audit/audit-mutations.ts';
import { pickProblems, problemResponse } from '../../shared/http/problem-responses.ts';
import type { AdminEnv } from './admin-variables.ts';
import { jobHref } from './job-routes.ts';
import type { OperationsDeps } from './operations-deps.ts';
import { noRequestBody } from '../../shared/http/no-request-body.ts';
import {
  IndexActivationSchema,
  IndexDeletionSchema,
  IndexStatusSchema,
  IndexVersionListSchema,
  JobAcceptedSchema,
  VersionParamsSchema,
} from './operations-schemas.ts';

const security = [{ bearerAuth: [] }];
const tags = ['admin: index'];

/** Index versions: the live one and its stats, every stored version, build now, activate (swap or roll back), delete. */
export function indexRoutes(deps: OperationsDeps) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  const { index } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/index',
      summary: 'The live index version (indexes/latest), the one this process serves, and its stats',
      tags,
      security,
      responses: { 200: { description: 'Index status', content: { 'application/json': { schema: IndexStatusSchema } } }, ...pickProblems(401, 403) },
    }),
    async (c) => {
      const [{ live, serving, versions }, stats] = await Promise.all([index.versions(), index.stats()]);
      return c.json({ live, serving, current: versions.find((version) => version.live) ?? null, stats }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/index/versions',
      summary: 'Stored index versions with their manifests, newest first',
      tags,
      security,
      responses: { 200: { description: 'Versions', content: { 'application/json': { schema: IndexVersionListSchema } } }, ...pickProblems(401, 403) },
    }),
    async (c) => c.json(await index.versions(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/index/build',
      summary: 'Build a new version of the corpus now, even if unchanged (stored vectors reused; POST /admin/jobs/sync with mode reembed embeds again)',
      description: 'Takes no request body: a request with one is refused (422), not ignored.',
      tags,
      security,
      middleware: [noRequestBody()] as const,
      responses: { 202: { description: 'Ingest job queued', content: { 'application/json': { schema: JobAcceptedSchema } } }, ...pickProblems(401, 403, 422) },
    }),
    async (c) => {
      const source = deps.sources[0];
      noteAudit(c, { target: `source:${source}` });
      const jobId = await deps.jobs.enqueueSync(source, { force: true });
      noteAudit(c, { details: { jobId } });
      return c.json({ jobId, queue: 'embedding' as const, name: 'ingest', href: jobHref('embedding', jobId) }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/index/versions/{version}/activate',
      summary: 'Make a stored version live (swap, or roll back to an older one): loaded here first, then announced to every instance',
      tags,
      security,
      request: { params: VersionParamsSchema },
      responses: {
        200: { description: 'Live', content: { 'application/json': { schema: IndexActivationSchema } } },
        ...pickProblems(401, 403, 422),
        404: problemResponse('No such version'),
        409: problemResponse('Built with another embedder than this process serves with (index-mismatch), or a stored file of the version fails its checks (index-corrupt, the detail names the file)'),
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      noteAudit(c, { target: `index:${version}` });
      const activation = await index.activate(version);
      noteAudit(c, { details: { previous: activation.previous, receivers: activation.receivers } });
      return c.json(activation, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/index/versions/{version}',
      summary: 'Delete a stored version (never the live one, nor the one this process serves)',
      tags,
      security,
      request: { params: VersionParamsSchema },
      responses: {
        200: { description: 'Deleted', content: { 'application/json': { schema: IndexDeletionSchema } } },
        ...pickProblems(401, 403, 422),
        404: problemResponse('No such version'),
        409: problemResponse('The version is live (live-index-version)'),
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      noteAudit(c, { target: `index:${version}` });
      const deleted = await index.deleteVersion(version);
      noteAudit(c, { details: { deletedObjects: deleted.deletedObjects } });
      return c.json(deleted, 200);
    },
  );

  return app;
}
