/** Minimal blob storage: a local folder in the embedded default, S3/MinIO in production. */
export interface ObjectStore {
  readonly kind: string;
  put(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
  /** Returns null when the key does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  /**
   * Optional: the object with its sha256 (lower-case hex), hashed where the store reads it (the
   * local folder reads and hashes on its I/O thread, one turn of the event loop for the whole
   * object), and `check` run there too when the sha256 is the expected one; null when the key
   * does not exist. Callers without it use `get`, hash and check themselves. `pooled`: the caller
   * will call the result's `release` once nothing reads the bytes any more, and the store may
   * read into a buffer it reuses after that (the local folder does); a store that does not gives
   * no `release`.
   */
  getHashed?(key: string, options?: { check?: StructureCheck | undefined; pooled?: boolean }): Promise<HashedObject | null>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** An object's bytes and their sha256 as lower-case hex. */
export interface HashedObject {
  bytes: Uint8Array;
  sha256: string;
  /** Whether the requested {@link StructureCheck} ran on these bytes, where they were read, and passed. */
  checked: boolean;
  /** A pooled read's: hands the bytes' buffer back to the store for reuse; nothing may read them afterwards. */
  release?: () => void;
}

/**
 * A structure check a store may run where it reads an object (off the event loop), once the
 * object's sha256 is `expectSha256`: the export `name` of `module` (a file URL) is called with
 * (bytes, label) and throws an AppError when the bytes are malformed.
 */
export interface StructureCheck {
  module: string;
  name: string;
  label: string;
  expectSha256: string;
}
