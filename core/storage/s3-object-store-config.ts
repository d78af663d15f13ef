import { z } from 'zod';

/** The largest single PUT S3 accepts (5 GiB); also minio's largest part size. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 * 1024 * 1024;

/**
 * Settings of the S3 adapter (MinIO, AWS S3, Cloudflare R2, s3rver in tests). Parse it once at
 * start; the secret lives only here and in the client, never in logs, errors or `name`.
 */
export const S3ObjectStoreConfigSchema = z.object({
  /** e.g. `http://127.0.0.1:9000`, `https://s3.eu-west-1.amazonaws.com`, `https://<account>.r2.cloudflarestorage.com`. */
  endpoint: z
    .string()
    .url()
    .refine((value) => /^https?:$/.test(new URL(value).protocol), 'endpoint must be an http(s) URL')
    .refine((value) => ['', '/'].includes(new URL(value).pathname), 'endpoint must not have a path'),
  bucket: z.string().min(3).max(63).regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'bucket names use a-z, 0-9, dots and hyphens'),
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  /** R2 uses `auto`. */
  region: z.string().min(1).default('us-east-1'),
  /** Path-style URLs (`endpoint/bucket/key`); needed by MinIO and s3rver, accepted by AWS and R2. */
  pathStyle: z.boolean().default(true),
  /** Create the bucket on first use when it is missing (development); otherwise a missing bucket is an error. */
  createBucket: z.boolean().default(false),
  /**
   * Objects up to this size go up in one PUT. Kept above the largest object because s3rver lacks
   * ListMultipartUploads (a 100k-vector index is ~147 MiB). 5 MiB to 5 GiB.
   */
  partSize: z.number().int().min(5 * 1024 * 1024).max(MAX_SINGLE_PUT_BYTES).default(MAX_SINGLE_PUT_BYTES),
  /** Upper bound on one operation (a black-holed endpoint must not hang a caller forever). */
  timeoutMs: z.number().int().positive().default(120_000),
});

export type S3ObjectStoreConfig = z.input<typeof S3ObjectStoreConfigSchema>;
export type ParsedS3ObjectStoreConfig = z.output<typeof S3ObjectStoreConfigSchema>;

/** The S3_* settings of the core config (structurally CoreConfig). */
export interface S3EnvSettings {
  S3_ENDPOINT?: string | undefined;
  S3_BUCKET: string;
  S3_ACCESS_KEY?: string | undefined;
  S3_SECRET_KEY?: string | undefined;
  S3_REGION: string;
  S3_CREATE_BUCKET: boolean;
  S3_TIMEOUT_MS: number;
}

/** The S3 adapter's settings from the config, or null when S3_ENDPOINT is unset (local folder). */
export function s3ConfigFromEnv(env: S3EnvSettings): S3ObjectStoreConfig | null {
  if (!env.S3_ENDPOINT) return null;
  return {
    endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET,
    accessKey: env.S3_ACCESS_KEY ?? '',
    secretKey: env.S3_SECRET_KEY ?? '',
    region: env.S3_REGION,
    createBucket: env.S3_CREATE_BUCKET,
    timeoutMs: env.S3_TIMEOUT_MS,
  };
}
