import { AppError } from '../../shared/errors/app-error.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { LocalFolderObjectStore } from '../storage/local-folder-object-store.ts';
import { MAX_SOURCE_FILE_BYTES } from './document-schema.ts';

/**
 * What a document source needs from where its files live: list and read, by '/'-separated paths
 * relative to one root (a local folder, or a key prefix in an ObjectStore such as S3).
 */
export interface SourceFileReader {
  /** The root, for source names and messages: a local path or `s3://bucket/prefix`, never credentials. */
  readonly location: string;
  /** Relative paths starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** The file's bytes, or null when there is none. */
  read(path: string): Promise<Uint8Array | null>;
}

/** Files under `prefix` ('' or ending in '/') of an ObjectStore. */
export function objectStoreFileReader(store: ObjectStore, prefix: string, location: string): SourceFileReader {
  if (prefix !== '' && !prefix.endsWith('/')) prefix = `${prefix}/`;
  return {
    location,
    async list(relative) {
      const keys = await store.list(prefix + relative);
      return keys.map((key) => key.slice(prefix.length));
    },
    read: (relative) => store.get(prefix + relative),
  };
}

/** Files under a local folder (read through the local-folder ObjectStore, so the same key rules apply). */
export function localFileReader(folder: string): SourceFileReader {
  const store = new LocalFolderObjectStore(folder);
  return objectStoreFileReader(store, '', store.root);
}

/** Reads a file that must exist and fit in memory: AppError 'not-found' or 'payload-too-large' otherwise. */
export async function readRequiredFile(reader: SourceFileReader, path: string, maxBytes = MAX_SOURCE_FILE_BYTES): Promise<Uint8Array> {
  const bytes = await reader.read(path);
  if (bytes === null) throw new AppError('not-found', { detail: `source file ${describeFile(reader, path)} not found` });
  if (bytes.byteLength > maxBytes) {
    throw new AppError('payload-too-large', { detail: `source file ${describeFile(reader, path)} is ${bytes.byteLength} bytes; the limit is ${maxBytes}` });
  }
  return bytes;
}

export function describeFile(reader: SourceFileReader, path: string): string {
  return reader.location.endsWith('/') ? reader.location + path : `${reader.location}/${path}`;
}
