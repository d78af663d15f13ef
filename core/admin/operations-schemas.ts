import { z } from '@hono/zod-openapi';
import { JOB_STATES } from '../jobs/job-listing.ts';
import { QUEUE_NAMES } from '../jobs/queue-topology.ts';
import type { QueueName } from '../../shared/contracts/jobs.ts';
import type { JobCursor } from '../ports/job-admin.ts';
import type { JobState } from '../ports/job-spec.ts';

/** Documents one upload request may carry. */
export const MAX_UPLOAD_DOCUMENTS = 500;
/** Body limit of an upload request (documents are up to 20,000 characters each). */
export const MAX_UPLOAD_BODY_BYTES = 4 * 1024 * 1024;

const QueueNameSchema = z.enum(QUEUE_NAMES as [QueueName, ...QueueName[]]).openapi({ example: 'embedding' });
const JobStateSchema = z.enum(JOB_STATES as [JobState, ...JobState[]]);
const isoDateTime = z.iso.datetime();
const limitQuery = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/**
 * Job ids of this service always hold a '.' (jobIds) or ':' (BullMQ schedulers), which also
 * keeps them apart from BullMQ's own per-queue keys ('wait', 'meta', 'paused', …).
 */
const JobIdSchema = z
  .string()
  .max(200)
  .regex(/^(?=.*[.:])[A-Za-z0-9._:-]+$/, 'a job id like ingest.corpus.1700000000000 (letters, digits and . _ : -, with a . or :)');

export const JobParamsSchema = z.object({
  queue: QueueNameSchema.openapi({ param: { name: 'queue', in: 'path' } }),
  id: JobIdSchema.openapi({ param: { name: 'id', in: 'path' }, example: 'ingest.corpus.1700000000000' }),
});

export const QueueParamsSchema = z.object({ queue: QueueNameSchema.openapi({ param: { name: 'queue', in: 'path' } }) });

export const VersionParamsSchema = z.object({
  // Same rule as IndexVersionSchema, built on the OpenAPI-extended zod (schemas made from plain zod before that extension lack .openapi).
  version: z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex characters').openapi({ param: { name: 'version', in: 'path' }, example: '3f9a0c2b7d1e4a56' }),
});

/** Opaque page cursor: base64url of [createdAt, queue, id]. */
export function encodeJobCursor(cursor: JobCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.queue, cursor.id])).toString('base64url');
}

const CursorTupleSchema = z.tuple([z.number().int().nonnegative(), QueueNameSchema, JobIdSchema]);

const JobCursorQuery = z
  .string()
  .max(400)
  .regex(/^[A-Za-z0-9_-]+$/, 'nextCursor of the previous page')
  .transform((value, context): JobCursor => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const parsed = CursorTupleSchema.safeParse(decoded);
    if (!parsed.success) {
      context.addIssue({ code: 'custom', message: 'nextCursor of the previous page' });
      return z.NEVER;
    }
    const [createdAt, queue, id] = parsed.data;
    return { createdAt, queue, id };
  });

export const JobListQuerySchema = z
  .object({
    queue: QueueNameSchema.optional(),
    state: JobStateSchema.optional(),
    from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Created at or after, ISO 8601.' }),
    to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Created before, ISO 8601.' }),
    limit: limitQuery(200, 50),
    cursor: JobCursorQuery.optional().openapi({ type: 'string', description: 'nextCursor of the previous page.' }),
  })
  .strict()
  .refine((query) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to), {
    message: 'from must be before to',
    path: ['from'],
  });

const JobRefSchema = z.object({ queue: QueueNameSchema, id: z.string() });

export const JobSchema = z
  .object({
    id: z.string(),
    name: z.string().openapi({ example: 'ingest' }),
    queue: QueueNameSchema,
    state: JobStateSchema,
    data: z.unknown(),
    progress: z.union([z.number(), z.record(z.string(), z.unknown())]),
    attemptsMade: z.number().int().nonnegative(),
    attempts: z.number().int().positive(),
    createdAt: isoDateTime,
    processedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    failedReason: z.string().nullable(),
    result: z.unknown(),
    parent: JobRefSchema.nullable().openapi({ description: 'The flow job this one is a child of.' }),
  })
  .openapi('Job');

export const JobPageSchema = z.object({ items: z.array(JobSchema), nextCursor: z.string().nullable() }).openapi('JobPage');

export const SYNC_MODES = ['sync', 'force', 'reembed'] as const;

export const SyncRequestSchema = z
  .object({
    source: z.string().min(1).max(200).openapi({ example: 'corpus' }),
    mode: z
      .enum(SYNC_MODES)
      .default('sync')
      .openapi({
        description:
          'sync: build only if the source changed; force: build a new version even if unchanged (stored vectors reused); reembed: embed every document again.',
      }),
  })
  .strict()
  .openapi('SyncRequest');

export const JobAcceptedSchema = z
  .object({ jobId: z.string(), queue: QueueNameSchema, name: z.string(), href: z.string().openapi({ description: 'Where to watch it.' }) })
  .openapi('JobAccepted');

export const UploadDocumentsRequestSchema = z
  .object({
    documents: z
      .array(z.unknown().openapi({ description: 'A document: id, title, text (20–20,000 characters), optional url and tags.' }))
      .min(1)
      .max(MAX_UPLOAD_DOCUMENTS),
    sync: z.boolean().default(true).openapi({ description: 'Start a sync of the corpus afterwards (default true).' }),
  })
  .strict()
  .openapi('UploadDocumentsRequest');

/** Query of an upload: for a file body (JSONL, CSV, Parquet), whether to sync afterwards (a JSON body says it in `sync`). */
export const UploadDocumentsQuerySchema = z
  .object({ sync: z.enum(['true', 'false']).optional().openapi({ description: 'File uploads: start a sync of the corpus afterwards (default true).' }) })
  .strict();

const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const RejectedDocumentSchema = z
  .object({
    index: z.number().int().nonnegative().openapi({ description: 'Place in `documents` (JSON), or the row number less one (file).' }),
    row: z.number().int().positive().optional().openapi({ description: 'File uploads: the line (JSONL), the line the record ends on (CSV, header = 1) or the row (Parquet).' }),
    id: z.string().nullable(),
    errors: z.array(FieldErrorSchema),
  })
  .openapi('RejectedDocument');

export const UploadDocumentsResultSchema = z
  .object({ accepted: z.array(z.object({ id: z.string() })), rejected: z.array(RejectedDocumentSchema), syncJobId: z.string().nullable() })
  .openapi('UploadDocumentsResult');

const CountsSchema = z.record(z.string(), z.number().int().nonnegative());

export const QueueStatusSchema = z
  .object({ name: QueueNameSchema, paused: z.boolean(), counts: CountsSchema, workers: z.number().int().nonnegative() })
  .openapi('QueueStatus');

const RunnerKindSchema = z.enum(['bullmq', 'in-process']);

export const QueueListSchema = z.object({ runner: RunnerKindSchema, queues: z.array(QueueStatusSchema) }).openapi('QueueList');

export const CleanQueueRequestSchema = z
  .object({
    state: z.enum(['completed', 'failed']),
    graceSeconds: z.number().int().min(0).max(365 * 86_400).default(3600).openapi({ description: 'Only jobs finished at least this long ago (default 1 h).' }),
    limit: z.number().int().min(1).max(10_000).default(1000).openapi({ description: 'At most this many, oldest first (default 1000).' }),
  })
  .strict()
  .openapi('CleanQueueRequest');

export const CleanQueueResultSchema = z
  .object({ queue: QueueNameSchema, state: z.enum(['completed', 'failed']), removed: z.number().int().nonnegative(), ids: z.array(z.string()) })
  .openapi('CleanQueueResult');

export const WorkerSchema = z
  .object({
    queue: QueueNameSchema,
    name: z.string(),
    address: z.string().nullable(),
    ageSeconds: z.number().nullable(),
    idleSeconds: z.number().nullable(),
  })
  .openapi('Worker');

export const WorkerListSchema = z.object({ runner: RunnerKindSchema, workers: z.array(WorkerSchema) }).openapi('WorkerList');

export const IndexVersionInfoSchema = z
  .object({
    version: z.string(),
    live: z.boolean().openapi({ description: 'indexes/latest points at it.' }),
    serving: z.boolean().openapi({ description: 'This process answers questions from it.' }),
    kind: z.enum(['base', 'segmented']).openapi({ description: "'base': an ordinary version; 'segmented': a base and delta segments (INDEX_SEGMENTS=on, docs/segments.md)." }),
    manifest: z.record(z.string(), z.unknown()).openapi({ description: "The stored manifest (the embedder's fitted state left out), or a segmented version's (base, deltas, parent)." }),
  })
  .openapi('IndexVersion');

export const IndexVersionListSchema = z
  .object({ live: z.string().nullable(), serving: z.string().nullable(), versions: z.array(IndexVersionInfoSchema) })
  .openapi('IndexVersionList');

export const IndexStatsSchema = z
  .object({
    version: z.string().nullable(),
    vectors: z.number().int().nonnegative(),
    dimension: z.number().int().nonnegative(),
    indexKind: z.string().nullable(),
    memoryBytes: z.number().int().nonnegative().openapi({ description: "The live index's vectors in memory." }),
    urgency: z.object({ score: z.number(), level: z.enum(['ok', 'approaching', 'critical', 'migrated']) }),
    thresholds: z.object({ warning: z.number().int(), critical: z.number().int() }),
    growthPerDay: z.number().nullable().openapi({ description: 'Vectors per day between the oldest and newest stored version.' }),
    daysUntilCritical: z.number().nullable().openapi({ description: 'Days until the critical threshold at that rate; null when not growing.' }),
  })
  .openapi('IndexStats');

export const IndexStatusSchema = z
  .object({ live: z.string().nullable(), serving: z.string().nullable(), current: IndexVersionInfoSchema.nullable(), stats: IndexStatsSchema })
  .openapi('IndexStatus');

export const IndexActivationSchema = z
  .object({
    version: z.string(),
    previous: z.string().nullable(),
    receivers: z.number().int().nonnegative().openapi({ description: 'Serving instances told over the swap channel (1 in process).' }),
  })
  .openapi('IndexActivation');

export const IndexDeletionSchema = z.object({ version: z.string(), deletedObjects: z.number().int().nonnegative() }).openapi('IndexDeletion');

const rate = (description: string) => z.number().nonnegative().nullable().openapi({ description: `${description} Null on the first reading.` });

export const TrafficRatesSchema = z
  .object({
    windowSeconds: z.number().positive().nullable().openapi({ description: 'Seconds the rates span (up to the last minute); null on the first reading.' }),
    requestsPerSecond: rate('HTTP requests per second answered by this core instance.'),
    clientErrorsPerSecond: rate('Of those, answered 4xx (refused, invalid, not found).'),
    serverErrorsPerSecond: rate('Of those, answered 5xx.'),
    cacheHitRatio: z.number().min(0).max(1).nullable().openapi({ description: "The edge answer cache's hits / (hits + misses) in the window; null when it looked nothing up (or on the first reading)." }),
    cacheLookups: z.number().int().nonnegative().nullable().openapi({ description: 'Edge answer-cache lookups (hits + misses) in the window.' }),
    totals: z
      .object({
        requests: z.number().int().nonnegative(),
        clientErrors: z.number().int().nonnegative(),
        serverErrors: z.number().int().nonnegative(),
        cacheHits: z.number().int().nonnegative(),
        cacheMisses: z.number().int().nonnegative(),
      })
      .openapi({ description: "Running totals: this instance's requests since it started; the edge cache counters kept in Redis." }),
  })
  .openapi('TrafficRates');

export const AdminStatsSchema = IndexStatsSchema.extend({
  serving: z.string().nullable(),
  queues: z.record(QueueNameSchema, CountsSchema),
  depth: z.record(QueueNameSchema, z.number().int().nonnegative()).openapi({ description: 'Jobs not finished yet (waiting, delayed, active …) per queue.' }),
  traffic: TrafficRatesSchema.nullable().openapi({ description: 'Request and error rates and the edge cache hit ratio over the last minute (apfa_requests_total, apfa_cache_*_total); null where the app was built without metrics.' }),
}).openapi('AdminStats');
