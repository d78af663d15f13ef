import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../shared/errors/app-error.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook, zodIssuesToErrors } from '../../shared/http/validation-hook.ts';
import { noteAudit } from '../audit/audit-mutations.ts';
import type { QueueName } from '../../shared/contracts/jobs.ts';
import type { JobInfo } from '../ports/job-admin.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import { pickProblems, problemResponse } from '../../shared/http/problem-responses.ts';
import { DOCUMENT_ID_PATTERN, KnowledgeDocumentSchema } from '../sources/document-schema.ts';
import { readUploadedFile, UPLOAD_FILE_MEDIA_TYPES, uploadFileFormat } from '../sources/uploaded-file.ts';
import type { AdminEnv } from './admin-variables.ts';
import type { OperationsDeps } from './operations-deps.ts';
import {
  encodeJobCursor,
  JobAcceptedSchema,
  JobListQuerySchema,
  JobPageSchema,
  JobParamsSchema,
  JobSchema,
  MAX_UPLOAD_BODY_BYTES,
  MAX_UPLOAD_DOCUMENTS,
  SyncRequestSchema,
  UploadDocumentsQuerySchema,
  UploadDocumentsRequestSchema,
  UploadDocumentsResultSchema,
} from './operations-schemas.ts';

const DocumentParamsSchema = z.object({
  id: z
    .string()
    .regex(DOCUMENT_ID_PATTERN, 'a document id: 1–200 letters, digits and . _ : / - (a / sent as %2F)')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'fha-basics' }),
});

const DocumentDeletedSchema = z
  .object({
    deleted: z.string().openapi({ description: 'The id of the removed document.' }),
    syncJobId: z.string().nullable().openapi({ description: 'The sync that rebuilds the index without it (null when sync=false).' }),
  })
  .openapi('DocumentDeleted');

const DeleteDocumentQuerySchema = z
  .object({ sync: z.enum(['true', 'false']).default('true').openapi({ description: 'Start a sync afterwards (default true).' }) })
  .strict();

const DeleteDocumentsRequestSchema = z
  .object({
    ids: z
      .array(z.string().regex(DOCUMENT_ID_PATTERN, 'a document id: 1–200 letters, digits and . _ : / -'))
      .min(1)
      .max(MAX_UPLOAD_DOCUMENTS)
      .openapi({ description: `The uploaded documents to remove (at most ${MAX_UPLOAD_DOCUMENTS}).`, example: ['fha-basics', 'va-note'] }),
    sync: z.boolean().default(true).openapi({ description: 'Start one sync afterwards (default true).' }),
  })
  .strict()
  .openapi('DeleteDocumentsRequest');

const DocumentsDeletedSchema = z
  .object({
    deleted: z.array(z.string()).openapi({ description: 'The ids removed.' }),
    notFound: z.array(z.string()).openapi({ description: 'The ids with no uploaded document (nothing to remove).' }),
    syncJobId: z.string().nullable().openapi({ description: 'The one sync that rebuilds the index without them (null when sync=false or nothing was removed).' }),
  })
  .openapi('DocumentsDeleted');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A job for the API: times as ISO 8601. */
export const jobToJson = (job: JobInfo) => ({
  ...job,
  createdAt: new Date(job.createdAt).toISOString(),
  processedAt: iso(job.processedAt),
  finishedAt: iso(job.finishedAt),
  result: job.result ?? null,
  data: job.data ?? null,
});

const security = [{ bearerAuth: [] }];
const tags = ['admin: jobs'];
const jobResponse = (description: string) => ({ description, content: { 'application/json': { schema: JobSchema } } });
const accepted = (description: string) => ({ description, content: { 'application/json': { schema: JobAcceptedSchema } } });
export const jobHref = (queue: QueueName, id: string) => `/admin/jobs/${queue}/${encodeURIComponent(id)}`;

/** A document of an upload before validation: its place (`index` 0-based; `row` 1-based in a file) and its fields. */
interface UploadCandidate {
  index: number;
  row?: number;
  input: unknown;
}

type RejectedDocument = { index: number; row?: number; id: string | null; errors: { path: string; message: string }[] };

/** Validates each candidate on its own; a repeated id is rejected after its first occurrence. */
function validateCandidates(candidates: UploadCandidate[]): { valid: KnowledgeDocument[]; rejected: RejectedDocument[] } {
  const valid: KnowledgeDocument[] = [];
  const rejected: RejectedDocument[] = [];
  const seen = new Set<string>();
  for (const { index, row, input } of candidates) {
    const place = row === undefined ? { index } : { index, row };
    const rawId = typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string' ? (input as { id: string }).id.slice(0, 200) : null;
    const parsed = KnowledgeDocumentSchema.safeParse(input);
    if (!parsed.success) {
      rejected.push({ ...place, id: rawId, errors: zodIssuesToErrors(parsed.error) });
      continue;
    }
    if (seen.has(parsed.data.id)) {
      rejected.push({ ...place, id: parsed.data.id, errors: [{ path: 'id', message: 'the same id appears earlier in this upload' }] });
      continue;
    }
    seen.add(parsed.data.id);
    valid.push(parsed.data);
  }
  return { valid, rejected };
}

/** Indexing jobs: start a sync or re-embed, upload documents, list, inspect, cancel and retry jobs. */
export function jobRoutes(deps: OperationsDeps & { maxBodyBytes: number }) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  const body = jsonBodyGuard({ maxBytes: deps.maxBodyBytes });
  const uploadBody = jsonBodyGuard({ maxBytes: MAX_UPLOAD_BODY_BYTES, mediaTypes: ['application/json', ...Object.keys(UPLOAD_FILE_MEDIA_TYPES)] });
  const runner = deps.jobs.runner;

  const findJob = async (queue: QueueName, id: string): Promise<JobInfo> => {
    const job = await runner.get(queue, id);
    if (!job) throw new AppError('not-found', { detail: `No job ${id} on the ${queue} queue (never added, or cleaned since).` });
    return job;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/sync',
      summary: 'Start a sync of a source: build a new index version if it changed, always (force), or embedding every document again (reembed)',
      tags,
      security,
      middleware: [body] as const,
      request: { body: { required: true, content: { 'application/json': { schema: SyncRequestSchema } } } },
      responses: { 202: accepted('Ingest job queued'), ...pickProblems(400, 401, 403, 413, 415, 422) },
    }),
    async (c) => {
      const { source, mode } = c.req.valid('json');
      noteAudit(c, { target: `source:${source}`, details: { mode } });
      if (!deps.sources.includes(source)) {
        throw new AppError('validation-failed', {
          detail: `Invalid body: source: unknown source "${source}"`,
          extensions: { errors: [{ path: 'source', message: `known sources: ${deps.sources.join(', ')}` }] },
        });
      }
      const jobId = await deps.jobs.enqueueSync(source, { force: mode === 'force', reembed: mode === 'reembed' });
      noteAudit(c, { details: { jobId } });
      return c.json({ jobId, queue: 'embedding' as const, name: 'ingest', href: jobHref('embedding', jobId) }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/documents',
      summary: 'Upload documents into the knowledge base (each validated on its own; invalid ones are reported, the rest stored), then sync',
      description:
        'As JSON (`{"documents": [...], "sync"?}`), or as a file: JSON Lines (`application/jsonl` or `application/x-ndjson`), CSV with a header row ' +
        '(`text/csv`: columns id, title, text, and url and tags when present; RFC 4180 quoting) or Parquet (`application/vnd.apache.parquet`: the same columns). ' +
        `At most ${MAX_UPLOAD_DOCUMENTS} documents and ${MAX_UPLOAD_BODY_BYTES / 1024 / 1024} MiB. A rejected record of a file names its \`row\`: the line (JSONL), the line a record ends on (CSV, the header is line 1) or the row (Parquet). ` +
        'For a file, `?sync=false` skips the sync.',
      tags,
      security,
      middleware: [uploadBody] as const,
      request: {
        query: UploadDocumentsQuerySchema,
        // Not `required`: the JSON body is validated when the body is JSON; a file body is read by its own parser.
        body: {
          content: {
            'application/json': { schema: UploadDocumentsRequestSchema },
            ...Object.fromEntries(Object.keys(UPLOAD_FILE_MEDIA_TYPES).map((mediaType) => [mediaType, { schema: { type: 'string' as const, format: 'binary' } }])),
          },
        },
      },
      responses: {
        200: { description: 'Stored (and rejected) documents', content: { 'application/json': { schema: UploadDocumentsResultSchema } } },
        ...pickProblems(400, 401, 403, 413, 415),
        422: problemResponse('Malformed request, a file that cannot be read, more documents than allowed, or not one document valid (the `rejected` member lists why)'),
      },
    }),
    async (c) => {
      const format = uploadFileFormat(c.req.header('content-type'));
      let candidates: UploadCandidate[];
      let rejected: RejectedDocument[] = [];
      let sync: boolean;
      let received: number;
      if (format === null) {
        const input = c.req.valid('json');
        candidates = input.documents.map((candidate, index) => ({ index, input: candidate }));
        sync = input.sync;
        received = candidates.length;
      } else {
        const { records, unreadable } = await readUploadedFile(format, new Uint8Array(await c.req.arrayBuffer()));
        if (records.length + unreadable.length > MAX_UPLOAD_DOCUMENTS) {
          throw new AppError('validation-failed', {
            detail: `An upload holds at most ${MAX_UPLOAD_DOCUMENTS} documents; this file has ${records.length + unreadable.length}.`,
            extensions: { errors: [{ path: '(body)', message: `at most ${MAX_UPLOAD_DOCUMENTS} documents` }] },
          });
        }
        candidates = records.map((record) => ({ index: record.row - 1, row: record.row, input: record.input }));
        rejected = unreadable.map((entry) => ({ index: entry.row - 1, row: entry.row, id: null, errors: [{ path: '', message: entry.reason }] }));
        sync = c.req.valid('query').sync !== 'false';
        received = records.length + unreadable.length;
      }
      const checked = validateCandidates(candidates);
      const valid = checked.valid;
      rejected = [...rejected, ...checked.rejected].sort((left, right) => left.index - right.index);
      noteAudit(c, { target: `source:${deps.sources[0]}`, details: { format: format ?? 'json', received, accepted: valid.length, rejected: rejected.length } });
      if (valid.length === 0) {
        throw new AppError('validation-failed', { detail: 'No document in the upload is valid.', extensions: { rejected } });
      }
      // Stored 16 at a time: one by one, each write waits its turn behind the requests this instance is answering.
      for (let start = 0; start < valid.length; start += 16) await Promise.all(valid.slice(start, start + 16).map((document) => deps.uploads.put(document)));
      const syncJobId = sync ? await deps.jobs.enqueueSync(deps.sources[0]) : null;
      noteAudit(c, { details: { syncJobId } });
      return c.json({ accepted: valid.map((document) => ({ id: document.id })), rejected, syncJobId }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/documents/delete',
      summary: 'Delete several uploaded documents at once, then one sync',
      description:
        'Removes the uploaded documents named in `ids` (documents of the configured corpus are not affected; an id with no upload is listed in `notFound`) and starts one sync unless `sync` is false, so a change of many documents is one request and one index change. Audited as `document.delete`.',
      tags,
      security,
      request: { body: { content: { 'application/json': { schema: DeleteDocumentsRequestSchema } }, required: true } },
      responses: {
        200: { description: 'Deleted (and not found)', content: { 'application/json': { schema: DocumentsDeletedSchema } } },
        ...pickProblems(400, 401, 403, 415, 422),
      },
    }),
    async (c) => {
      const { ids, sync } = c.req.valid('json');
      const unique = [...new Set(ids)];
      noteAudit(c, { target: `source:${deps.sources[0]}`, details: { requested: unique.length } });
      const deleted: string[] = [];
      const notFound: string[] = [];
      for (const id of unique) ((await deps.uploads.delete(id)) ? deleted : notFound).push(id);
      const syncJobId = sync && deleted.length > 0 ? await deps.jobs.enqueueSync(deps.sources[0]) : null;
      noteAudit(c, { details: { deleted: deleted.length, notFound: notFound.length, syncJobId } });
      return c.json({ deleted, notFound, syncJobId }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/documents/{id}',
      summary: 'Delete an uploaded document, then sync so the index no longer answers from it',
      description:
        'Removes a document uploaded with `POST /admin/documents` (documents of the configured corpus are not affected) and starts a sync of the corpus unless `sync=false`. Audited as `document.delete`.',
      tags,
      security,
      request: { params: DocumentParamsSchema, query: DeleteDocumentQuerySchema },
      responses: {
        200: { description: 'Deleted', content: { 'application/json': { schema: DocumentDeletedSchema } } },
        ...pickProblems(401, 403, 422),
        404: problemResponse('No uploaded document with this id'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { sync } = c.req.valid('query');
      noteAudit(c, { target: `document:${id}` });
      if (!(await deps.uploads.delete(id))) throw new AppError('not-found', { detail: `No uploaded document ${id}.` });
      const syncJobId = sync === 'true' ? await deps.jobs.enqueueSync(deps.sources[0]) : null;
      noteAudit(c, { details: { syncJobId } });
      return c.json({ deleted: id, syncJobId }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/jobs',
      summary: 'List jobs, newest first, by queue, state and creation time (paged)',
      tags,
      security,
      request: { query: JobListQuerySchema },
      responses: { 200: { description: 'Jobs', content: { 'application/json': { schema: JobPageSchema } } }, ...pickProblems(401, 403, 422) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await runner.list({
        ...(query.queue ? { queues: [query.queue] } : {}),
        ...(query.state ? { states: [query.state] } : {}),
        ...(query.from ? { from: Date.parse(query.from) } : {}),
        ...(query.to ? { to: Date.parse(query.to) } : {}),
        ...(query.cursor ? { after: query.cursor } : {}),
        limit: query.limit,
      });
      return c.json({ items: page.items.map(jobToJson), nextCursor: page.next ? encodeJobCursor(page.next) : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/jobs/{queue}/{id}',
      summary: 'One job with its progress, attempts, result or failure',
      tags,
      security,
      request: { params: JobParamsSchema },
      responses: { 200: jobResponse('The job'), ...pickProblems(401, 403, 422), 404: problemResponse('No such job') },
    }),
    async (c) => {
      const { queue, id } = c.req.valid('param');
      return c.json(jobToJson(await findJob(queue, id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/{queue}/{id}/cancel',
      summary:
        'Cancel a job that has not started (waiting, delayed, or a flow waiting for its children, which go with it). A running job is not interrupted: 409 job-active.',
      tags,
      security,
      request: { params: JobParamsSchema },
      responses: {
        200: jobResponse('Removed (the job as it was)'),
        ...pickProblems(401, 403, 422),
        404: problemResponse('No such job'),
        409: problemResponse('Running (job-active), finished, or a child of a flow (job-state-conflict)'),
      },
    }),
    async (c) => {
      const { queue, id } = c.req.valid('param');
      noteAudit(c, { target: `job:${queue}/${id}` });
      const job = await findJob(queue, id);
      const result = await runner.cancel(queue, id);
      noteAudit(c, { details: { outcome: result.outcome } });
      switch (result.outcome) {
        case 'removed':
          return c.json(jobToJson({ ...job, state: result.state }), 200);
        case 'not-found':
          throw new AppError('not-found', { detail: `No job ${id} on the ${queue} queue.` });
        case 'active':
          throw new AppError('job-active', {
            detail: 'The job (or one of its children) is running and is not interrupted; it finishes or fails on its own. Pause the queue to stop new jobs starting.',
          });
        case 'finished':
          throw new AppError('job-state-conflict', { detail: `The job already ${result.state === 'completed' ? 'completed' : 'failed'}.` });
        case 'in-flow':
          throw new AppError('job-state-conflict', {
            detail: `The job is part of the flow ${result.parent.queue}/${result.parent.id}; cancel that job (its children go with it).`,
            extensions: { parent: result.parent },
          });
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/{queue}/{id}/retry',
      summary: 'Retry a failed job (its attempts start again)',
      tags,
      security,
      request: { params: JobParamsSchema },
      responses: { 200: jobResponse('Back to waiting'), ...pickProblems(401, 403, 422), 404: problemResponse('No such job'), 409: problemResponse('The job has not failed') },
    }),
    async (c) => {
      const { queue, id } = c.req.valid('param');
      noteAudit(c, { target: `job:${queue}/${id}` });
      const result = await runner.retry(queue, id);
      noteAudit(c, { details: { outcome: result.outcome } });
      if (result.outcome === 'not-found') throw new AppError('not-found', { detail: `No job ${id} on the ${queue} queue.` });
      if (result.outcome === 'not-failed') throw new AppError('job-state-conflict', { detail: `Only failed jobs are retried; this one is ${result.state}.` });
      return c.json(jobToJson(await findJob(queue, id)), 200);
    },
  );

  return app;
}
