/** Minimal blob storage: a local folder in the embedded default, S3/MinIO in production. */
export interface ObjectStore {
  readonly kind: string;
  put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
  /** Returns null when the key does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  /**
   * Optional: the object with its sha256 (lower-case hex), hashed where the store reads it (the
   * local folder reads and hashes on its I/O thread, one turn of the event loop for the whole
   * object); null when the key does not exist. Callers without it use `get` and hash themselves.
   */
  getHashed?(key: string): Promise<HashedObject | null>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** An object's bytes and their sha256 as lower-case hex. */
export interface HashedObject {
  bytes: Uint8Array;
  sha256: string;
}
