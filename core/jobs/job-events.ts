import { z } from 'zod';

const QueueNameSchema = z.enum(['embedding', 'indexing', 'maintenance']);
const at = z.iso.datetime();

/** Events of the job system, for the admin live feed. */
export const JobEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('job.progress'),
    queue: QueueNameSchema,
    jobId: z.string(),
    name: z.string(),
    progress: z.union([z.number(), z.record(z.string(), z.unknown())]),
    at,
  }),
  z.object({ type: z.literal('job.completed'), queue: QueueNameSchema, jobId: z.string(), name: z.string(), result: z.unknown(), at }),
  z.object({
    type: z.literal('job.failed'),
    queue: QueueNameSchema,
    jobId: z.string(),
    name: z.string(),
    error: z.string(),
    attemptsMade: z.number().int().nonnegative(),
    /** True when the job will be tried again (backoff), false when it failed for good. */
    willRetry: z.boolean(),
    at,
  }),
  z.object({
    type: z.literal('index.swapped'),
    version: z.string(),
    previous: z.string().nullable(),
    /** Subscribers that received the swap message (Redis PUBLISH count), when known. */
    receivers: z.number().int().nonnegative().optional(),
    at,
  }),
  z.object({ type: z.literal('queue.depth'), queue: QueueNameSchema, counts: z.record(z.string(), z.number().int().nonnegative()), at }),
]);

export type JobEvent = z.infer<typeof JobEventSchema>;
