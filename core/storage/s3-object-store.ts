import { Client } from 'minio';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors/app-error.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { assertValidKeyPrefix, assertValidObjectKey } from './s3-object-key.ts';
import { S3ObjectStoreConfigSchema, type ParsedS3ObjectStoreConfig, type S3ObjectStoreConfig } from './s3-object-store-config.ts';
import { isMissingObject, toUpstreamError } from './s3-errors.ts';

/**
 * An ObjectStore over an S3-compatible bucket (MinIO, AWS S3, Cloudflare R2), through the minio
 * client. Behaves like LocalFolderObjectStore: the same key rules (AppError 'validation-failed'),
 * `get` → null and `exists` → false for missing keys, `list` sorted by plain string prefix,
 * `delete` of a missing key is a no-op. A PUT is atomic on S3, so readers see the old or the new
 * object. Every failure to reach S3 is AppError 'upstream-unavailable' ('upstream-timeout' past
 * `timeoutMs`). Nothing connects until the first call; the bucket is checked (or created, with
 * `createBucket`) once, on first use.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  /** `s3://<bucket>`: safe to log and to put in manifests. */
  readonly name: string;
  readonly #config: ParsedS3ObjectStoreConfig;
  readonly #client: Client;
  #bucketReady: Promise<void> | undefined;

  constructor(config: S3ObjectStoreConfig) {
    const parsed = S3ObjectStoreConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new AppError('validation-failed', { detail: `invalid S3 object store settings: ${issues.join('; ')}` });
    }
    this.#config = parsed.data;
    this.name = `s3://${parsed.data.bucket}`;
    const url = new URL(parsed.data.endpoint);
    const useSSL = url.protocol === 'https:';
    this.#client = new Client({
      endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? (useSSL ? 443 : 80) : Number(url.port),
      useSSL,
      accessKey: parsed.data.accessKey,
      secretKey: parsed.data.secretKey,
      region: parsed.data.region,
      pathStyle: parsed.data.pathStyle,
      partSize: parsed.data.partSize,
    });
  }

  async put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void> {
    assertValidObjectKey(key);
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const metadata = { 'Content-Type': options?.contentType ?? 'application/octet-stream' };
    await this.#run('put', async () => {
      await this.#client.putObject(this.#config.bucket, key, buffer, buffer.byteLength, metadata);
    });
  }

  async get(key: string): Promise<Uint8Array | null> {
    assertValidObjectKey(key);
    return this.#run('get', async () => {
      let stream: Readable;
      try {
        stream = await this.#client.getObject(this.#config.bucket, key);
      } catch (error) {
        if (isMissingObject(error)) return null;
        throw error;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const joined = Buffer.concat(chunks);
      return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
    });
  }

  async exists(key: string): Promise<boolean> {
    assertValidObjectKey(key);
    return this.#run('stat', async () => {
      try {
        await this.#client.statObject(this.#config.bucket, key);
        return true;
      } catch (error) {
        if (isMissingObject(error)) return false;
        throw error;
      }
    });
  }

  /** Keys starting with `prefix` (plain string prefix, '' for all), sorted. */
  async list(prefix: string): Promise<string[]> {
    assertValidKeyPrefix(prefix);
    return this.#run('list', async () => {
      const keys: string[] = [];
      const stream = this.#client.listObjectsV2(this.#config.bucket, prefix, true);
      for await (const item of stream as AsyncIterable<{ name?: string }>) {
        if (typeof item.name === 'string') keys.push(item.name);
      }
      return keys.sort();
    });
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    await this.#run('delete', async () => {
      await this.#client.removeObject(this.#config.bucket, key);
    });
  }

  /** Checks (or creates) the bucket now instead of on first use, e.g. for a readiness probe. */
  async ensureBucket(): Promise<void> {
    await this.#run('bucket check', async () => undefined);
  }

  async #ensureBucket(): Promise<void> {
    const { bucket, createBucket, region } = this.#config;
    if (await this.#client.bucketExists(bucket)) return;
    if (!createBucket) throw new AppError('upstream-unavailable', { detail: `object storage bucket ${bucket} does not exist` });
    try {
      await this.#client.makeBucket(bucket, region);
    } catch (error) {
      // Another instance may have created it in the meantime.
      const code = (error as { code?: unknown }).code;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
    }
  }

  async #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const { bucket, timeoutMs } = this.#config;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AppError('upstream-timeout', { detail: `object storage ${operation} on bucket ${bucket} took longer than ${timeoutMs} ms` })),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([
        (async () => {
          this.#bucketReady ??= this.#ensureBucket().catch((error: unknown) => {
            this.#bucketReady = undefined; // try again on the next call
            throw error;
          });
          await this.#bucketReady;
          return work();
        })(),
        deadline,
      ]);
    } catch (error) {
      throw toUpstreamError(error, operation, bucket);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Factory for the composition root. */
export function createS3ObjectStore(config: S3ObjectStoreConfig): S3ObjectStore {
  return new S3ObjectStore(config);
}
