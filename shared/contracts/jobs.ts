import { z } from 'zod';
import { TraceparentSchema } from '../tracing/traceparent.ts';

const RunIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'run id: 16 lower-case hex characters');
const SourceNameSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9._/-]+$/, 'source name: letters, digits and . _ / - only');

/**
 * Every payload may carry the W3C `traceparent` of the span that added the job (an admin request,
 * or the ingest job that added a flow), so the job's span continues that trace. Absent when
 * tracing is off or the job was scheduled.
 */
const traced = { traceparent: TraceparentSchema.optional() };

/** Payload of each job, validated when a processor starts. */
export const JobPayloadSchemas = {
  /** `force`: build a new version even when the source is unchanged (vectors reused); `reembed`: and embed every document again. */
  ingest: z.object({ source: SourceNameSchema, force: z.boolean().optional(), reembed: z.boolean().optional(), ...traced }),
  'embed-batch': z.object({ run: RunIdSchema, batch: z.number().int().nonnegative(), ...traced }),
  'build-index': z.object({ run: RunIdSchema, ...traced }),
  /** After a build: `run` (the version comes from the build-index child); for a rollback: `version`. */
  publish: z.object({ run: RunIdSchema.optional(), version: z.string().regex(/^[0-9a-f]{16}$/).optional(), ...traced }),
  cleanup: z.object({ keep: z.number().int().nonnegative().optional(), ...traced }),
  stats: z.object({ ...traced }),
} as const;

/** The three job queues of the design, most urgent first. */
export type QueueName = 'embedding' | 'indexing' | 'maintenance';

/** The queue each job runs on: a job spec names its job, and its queue follows from here. */
export const JOB_QUEUE = {
  ingest: 'embedding',
  'embed-batch': 'embedding',
  'build-index': 'indexing',
  publish: 'indexing',
  cleanup: 'maintenance',
  stats: 'maintenance',
} as const satisfies Record<keyof typeof JobPayloadSchemas, QueueName>;

/** Every job there is. */
export type JobName = keyof typeof JobPayloadSchemas;

/** The payload of each job, by name: what producers add and what its processor receives. */
export type JobPayloads = { [Name in JobName]: z.infer<(typeof JobPayloadSchemas)[Name]> };
