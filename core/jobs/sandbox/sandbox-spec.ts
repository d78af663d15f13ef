import { join } from 'node:path';
import { z } from 'zod';
import { s3ConfigFromEnv, type S3EnvSettings } from '../../storage/s3-object-store-config.ts';

/**
 * How a sandbox process rebuilds what the CPU-heavy processors need (object store, build
 * embedders, index plan) without sharing memory with the parent: plain data sent once over IPC.
 * It carries the S3 secret, so it is never logged.
 */
export const SandboxSpecSchema = z.object({
  store: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('local-folder'), root: z.string().min(1) }),
    z.object({
      kind: z.literal('s3'),
      config: z.object({
        endpoint: z.string(),
        bucket: z.string(),
        accessKey: z.string(),
        secretKey: z.string(),
        region: z.string().optional(),
        createBucket: z.boolean().optional(),
        timeoutMs: z.number().int().positive().optional(),
      }),
    }),
  ]),
  embedders: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('lexical'), refitFraction: z.number().min(0).max(1).optional() }),
    z.object({
      kind: z.literal('provider'),
      mode: z.enum(['onnx', 'lexical', 'auto']),
      modelDir: z.string(),
      batchSize: z.number().int().positive().optional(),
      intraOpThreads: z.number().int().positive().optional(),
      refitFraction: z.number().min(0).max(1).optional(),
    }),
  ]),
  /** chooseIndexKind's options; default Flat below 500k vectors. */
  plan: z.object({ threshold: z.number().int().positive().optional(), encoding: z.enum(['Flat', 'SQ8']).optional() }).optional(),
  /** Texts per embed call inside an embed-batch job. */
  embedChunkSize: z.number().int().positive().optional(),
  /** pino level of the sandbox's own log (stderr); default 'warn'. */
  logLevel: z.string().optional(),
});
export type SandboxSpec = z.infer<typeof SandboxSpecSchema>;

/** The subset of the core config a sandbox spec is made from (structurally CoreConfig). */
export interface SandboxConfigSource extends S3EnvSettings {
  APFA_DATA_DIR: string;
  EMBEDDER: 'onnx' | 'lexical' | 'auto';
  MODEL_DIR: string;
  EMBED_BATCH_SIZE: number;
  EMBED_THREADS: number;
  LEXICAL_REFIT_FRACTION: number;
  INDEX_IVF_THRESHOLD: number;
  INDEX_ENCODING: 'Flat' | 'SQ8';
  LOG_LEVEL: string;
}

/** The spec matching what the composition root wires from the same config (same store, embedder and plan). */
export function sandboxSpecFromConfig(config: SandboxConfigSource): SandboxSpec {
  const s3 = s3ConfigFromEnv(config);
  return {
    store: s3 ? { kind: 's3', config: s3 } : { kind: 'local-folder', root: join(config.APFA_DATA_DIR, 'objects') },
    embedders: {
      kind: 'provider',
      mode: config.EMBEDDER,
      modelDir: config.MODEL_DIR,
      batchSize: config.EMBED_BATCH_SIZE,
      intraOpThreads: config.EMBED_THREADS,
      refitFraction: config.LEXICAL_REFIT_FRACTION,
    },
    plan: { threshold: config.INDEX_IVF_THRESHOLD, encoding: config.INDEX_ENCODING },
    logLevel: config.LOG_LEVEL,
  };
}
