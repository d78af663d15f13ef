import { z } from 'zod';

const RunIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'run id: 16 lower-case hex characters');
const SourceNameSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9._/-]+$/, 'source name: letters, digits and . _ / - only');

/** Payload of each job, validated when a processor starts. */
export const JobPayloadSchemas = {
  /** `force`: build a new version even when the source is unchanged (vectors reused); `reembed`: and embed every document again. */
  ingest: z.object({ source: SourceNameSchema, force: z.boolean().optional(), reembed: z.boolean().optional() }),
  'embed-batch': z.object({ run: RunIdSchema, batch: z.number().int().nonnegative() }),
  'build-index': z.object({ run: RunIdSchema }),
  /** After a build: `run` (the version comes from the build-index child); for a rollback: `version`. */
  publish: z.object({ run: RunIdSchema.optional(), version: z.string().regex(/^[0-9a-f]{16}$/).optional() }),
  cleanup: z.object({ keep: z.number().int().nonnegative().optional() }),
  stats: z.object({}),
} as const;

export type JobPayloads = { [Name in keyof typeof JobPayloadSchemas]: z.infer<(typeof JobPayloadSchemas)[Name]> };
