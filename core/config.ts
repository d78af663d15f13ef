import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { generatorSpecFromEnv, parseGeneratorSpec, type GeneratorSpec } from './generation/create-generator.ts';
import { JobEnvSchema } from './jobs/job-settings.ts';
import { TracingEnvSchema } from './tracing/tracing-config.ts';
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '../shared/auth/access-token-verifier.ts';
import { passwordWeakness } from './auth/password-policy.ts';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/** Every environment variable core reads, parsed once at process start. */
export const CoreConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  APFA_DATA_DIR: z.string().default(resolve(repoRoot, '.data')),
  DATABASE_URL: optionalNonEmpty.pipe(z.string().url().optional()),
  DATABASE_SCHEMA: optionalNonEmpty.pipe(z.string().regex(/^[a-z_][a-z0-9_]*$/).optional()),
  REDIS_URL: optionalNonEmpty.pipe(z.string().url().optional()),
  KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]*$/).default('apfa:'),
  CORPUS_PATH: z.string().default(resolve(repoRoot, 'data/corpus/lending-guide.jsonl')),
  /** JSON source spec (jsonl|csv|parquet|delta, a local path or an object-store key); unset: the JSONL file at CORPUS_PATH. */
  DOCUMENT_SOURCE: optionalNonEmpty,
  /** Set to use S3/MinIO/R2 for index versions and batches instead of the local folder. */
  S3_ENDPOINT: optionalNonEmpty.pipe(z.string().url().optional()),
  S3_BUCKET: z.string().default('apfa'),
  S3_ACCESS_KEY: optionalNonEmpty,
  S3_SECRET_KEY: optionalNonEmpty,
  S3_REGION: z.string().default('us-east-1'),
  S3_CREATE_BUCKET: booleanFromEnv.default(false),
  S3_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** onnx: all-MiniLM-L6-v2 from MODEL_DIR (refuses to start without it); lexical: hashed TF-IDF, no weights; auto: onnx when the files are there. */
  EMBEDDER: z.enum(['onnx', 'lexical', 'auto']).default('auto'),
  /** Default: <APFA_DATA_DIR>/models/all-MiniLM-L6-v2, where `npm run models:fetch` puts the files. */
  MODEL_DIR: optionalNonEmpty,
  EMBED_BATCH_SIZE: z.coerce.number().int().min(1).max(1024).default(32),
  EMBED_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * bm25, dense (vectors only), hybrid (both, fused) or auto (default): BM25 alone with the
   * lexical-hash embedder, hybrid with a neural (ONNX) one (core/serving/prepare-serving-index.ts).
   */
  RETRIEVAL: z.enum(['auto', 'hybrid', 'dense', 'bm25']).default('auto'),
  /** Fusion for RETRIEVAL=hybrid; default depends on the embedder (see core/serving/prepare-serving-index.ts). */
  HYBRID_FUSION: optionalNonEmpty.pipe(z.enum(['rrf', 'weighted']).optional()),
  /** Vector count from which a build tries IVF; it keeps IVF only if recall@10 on a held-out sample is ≥ 0.99 (core/index/choose-index-by-recall.ts). */
  INDEX_IVF_THRESHOLD: z.coerce.number().int().min(64).default(25_000),
  /** IVF list encoding: Flat (exact vectors) or SQ8 (1 byte per dimension, ~4x smaller). */
  INDEX_ENCODING: z.enum(['Flat', 'SQ8']).default('Flat'),
  /** Indexes with at least this many vectors are searched on a worker thread, off the HTTP event loop. */
  SEARCH_WORKER_MIN_VECTORS: z.coerce.number().int().min(0).default(20_000),
  RETRIEVAL_TOP_K: z.coerce.number().int().min(1).max(20).default(4),
  /**
   * The extractive generator's learned answer vocabulary (docs/answer-quality.md), written by `npm run eval -- vocabulary`
   * for the demo corpus; `off` for none (a knowledge base of your own: relearn it with your questions, or turn it off).
   */
  ANSWER_VOCABULARY: z.string().min(1).default(resolve(repoRoot, 'data/answer-vocabulary.json')),
  /** `npm start` on a fresh install waits this long for the first index build before serving. */
  FIRST_INDEX_TIMEOUT_SECONDS: z.coerce.number().min(0).max(3600).default(300),
  INDEX_POLL_SECONDS: z.coerce.number().min(0.2).max(3600).default(10),
  /**
   * on: a small change to the corpus is published as a delta segment over the live base instead of
   * a full rebuild, and instances load only the delta (docs/segments.md); off (default): every
   * change builds and loads a whole version.
   */
  INDEX_SEGMENTS: z.enum(['on', 'off']).default('off'),
  // The same rule as every password set through the API (core/auth/password-policy.ts); the value is never echoed.
  APFA_ADMIN_PASSWORD: optionalNonEmpty.pipe(
    z
      .string()
      .superRefine((value, context) => {
        const weakness = passwordWeakness(value);
        if (weakness !== null) context.addIssue({ code: 'custom', message: `APFA_ADMIN_PASSWORD is too weak: ${weakness}` });
      })
      .optional(),
  ),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(MAX_ACCESS_TOKEN_LIFETIME_SECONDS).default(MAX_ACCESS_TOKEN_LIFETIME_SECONDS),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 24 * 3600).default(30 * 24 * 3600),
  EDGE_SHARED_SECRET: optionalNonEmpty.pipe(z.string().min(16, 'EDGE_SHARED_SECRET must be at least 16 characters').optional()),
  /**
   * Refuse POST /v1/advice, /v1/advice/stream and /v1/auth/token unless signed by the edge.
   * Default: true when REDIS_URL is set (a deployment with an edge in front), false for the
   * embedded single process (`npm start` without REDIS_URL).
   */
  REQUIRE_EDGE_SIGNATURE: booleanFromEnv.optional(),
  /** Counterfactual fairness: auto (model answers only), always, off. */
  FAIRNESS_COUNTERFACTUAL: z.enum(['auto', 'always', 'off']).default('auto'),
  FAIRNESS_THRESHOLD: z.coerce.number().min(0).max(1).default(0.3),
  FAIRNESS_MAX_VARIANTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Days a borrower's advice history is kept (0: not stored). */
  HISTORY_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  /** How long a rotated-out signing key stays in the JWKS (at least the access-token lifetime). */
  SIGNING_KEY_OVERLAP_SECONDS: z.coerce.number().int().min(900).max(30 * 24 * 3600).default(24 * 3600),
  /** Events the admin live feed keeps for replay (Redis stream MAXLEN ~, or in memory). */
  FEED_MAX_EVENTS: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  /** Audit client IPs from X-Forwarded-For (set only behind a proxy that overwrites it). */
  TRUST_FORWARDED_FOR: booleanFromEnv.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: short lines for a person when stdout is a terminal, JSON lines otherwise; json; pretty. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** Port of the worker process's own /metrics and /health (`core/main.ts worker`); the other modes serve both on PORT. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** On SIGTERM: seconds to finish the requests and jobs in flight before closing anyway (keep under the orchestrator's kill timeout, 30 s on Kubernetes). */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(25),
  ...JobEnvSchema.shape,
  /** OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT, …): off unless the endpoint is set. */
  ...TracingEnvSchema.shape,
});

export type CoreConfig = Omit<z.infer<typeof CoreConfigSchema>, 'MODEL_DIR' | 'REQUIRE_EDGE_SIGNATURE'> & {
  MODEL_DIR: string;
  /** Resolved: as set, else true exactly when REDIS_URL is set. */
  REQUIRE_EDGE_SIGNATURE: boolean;
  /** The answer generator (GENERATOR=extractive|llama-cpp|openai-compatible|workers-ai|bedrock and its LLM_* / WORKERS_AI_* settings). */
  generator: GeneratorSpec;
};

/** Parses the environment; throws one readable error listing every bad variable. */
export function parseCoreConfig(env: Record<string, string | undefined>): CoreConfig {
  const result = CoreConfigSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  let generator: GeneratorSpec;
  try {
    generator = parseGeneratorSpec(generatorSpecFromEnv(env));
  } catch (error) {
    throw new Error(`Invalid configuration:\n  ${(error as Error).message}`);
  }
  const config: CoreConfig = {
    ...result.data,
    MODEL_DIR: result.data.MODEL_DIR ?? resolve(result.data.APFA_DATA_DIR, 'models', 'all-MiniLM-L6-v2'),
    REQUIRE_EDGE_SIGNATURE: result.data.REQUIRE_EDGE_SIGNATURE ?? result.data.REDIS_URL !== undefined,
    generator,
  };
  if (config.REQUIRE_EDGE_SIGNATURE && !config.EDGE_SHARED_SECRET) {
    throw new Error(
      result.data.REQUIRE_EDGE_SIGNATURE === undefined
        ? 'Invalid configuration:\n  EDGE_SHARED_SECRET is needed: with REDIS_URL set, core accepts advice and token requests only when signed by the edge ' +
            '(REQUIRE_EDGE_SIGNATURE defaults to true). Set the same EDGE_SHARED_SECRET (16+ characters) on core and the edge, or REQUIRE_EDGE_SIGNATURE=false to accept direct calls.'
        : 'Invalid configuration:\n  REQUIRE_EDGE_SIGNATURE=true needs EDGE_SHARED_SECRET',
    );
  }
  return config;
}
