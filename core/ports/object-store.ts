/** Minimal blob storage: a local folder in the embedded default, S3/MinIO in production. */
export interface ObjectStore {
  readonly kind: string;
  put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
  /** Returns null when the key does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}
