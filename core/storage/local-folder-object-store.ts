import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HashedObject, ObjectStore, StructureCheck } from '../ports/object-store.ts';
import { readFileOnIoThread } from './io-thread.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { OWNER_ONLY_DIRECTORY_MODE, OWNER_ONLY_FILE_MODE } from './owner-only.ts';

/** Top-level folder for writes in progress; never a key, never listed. */
const STAGING = '.staging';

/**
 * An ObjectStore over a local folder: key "a/b/c.json" is the file `<root>/a/b/c.json`.
 * `put` writes to a staging file under the same root and renames it into place, so a reader
 * sees either the old object or the new one, never a partial write (rename is atomic within one
 * file system). Keys are relative '/'-separated paths; '..', '.', empty segments, absolute
 * paths, backslashes and NUL are refused with AppError 'validation-failed'.
 */
export class LocalFolderObjectStore implements ObjectStore {
  readonly kind = 'local-folder';
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, body: Uint8Array, _options?: { contentType?: string }): Promise<void> {
    const target = this.#pathOf(key);
    const staging = path.join(this.root, STAGING);
    // Owner-only whatever the umask: index versions and uploaded documents are the service's own data.
    await mkdir(staging, { recursive: true, mode: OWNER_ONLY_DIRECTORY_MODE });
    await mkdir(path.dirname(target), { recursive: true, mode: OWNER_ONLY_DIRECTORY_MODE });
    const temporary = path.join(staging, `${randomUUID()}.tmp`);
    try {
      await writeFile(temporary, body, { mode: OWNER_ONLY_FILE_MODE });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * The object's bytes, read whole on the process's I/O thread (io-thread.ts) into a buffer of
   * the file's size: one turn of the event loop whatever the size, where open, fstat, read and
   * close on the event loop are four (and `fs.readFile`, 512 KB at a time, ~140 for a 70 MB
   * documents table), each waiting behind the requests a serving instance is answering. The view
   * covers its whole ArrayBuffer, so it can be transferred to a thread without a copy.
   */
  async get(key: string): Promise<Uint8Array | null> {
    return (await readFileOnIoThread(this.#pathOf(key), { sha256: false }))?.bytes ?? null;
  }

  /**
   * {@link get} with the sha256 computed, and the structure check run, on the same thread as it
   * reads; `pooled` reads into the I/O thread's shared-buffer pool (readFileOnIoThread).
   */
  async getHashed(key: string, options: { check?: StructureCheck | undefined; pooled?: boolean } = {}): Promise<HashedObject | null> {
    const read = await readFileOnIoThread(this.#pathOf(key), { sha256: true, check: options.check, pooled: options.pooled === true });
    if (read === null) return null;
    return { bytes: read.bytes, sha256: read.sha256!, checked: read.checked, ...(read.release ? { release: read.release } : {}) };
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.#pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Keys starting with `prefix` (plain string prefix, '' for all), sorted. */
  async list(prefix: string): Promise<string[]> {
    if (prefix.includes('\\') || prefix.includes('\0') || prefix.startsWith('/')) {
      throw new AppError('validation-failed', { detail: `invalid key prefix "${prefix}"` });
    }
    // Only the folder that holds the prefix needs walking.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    if (folder !== '') this.#pathOf(folder);
    const keys: string[] = [];
    await this.#walk(folder, keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(key: string): Promise<void> {
    await rm(this.#pathOf(key), { force: true });
  }

  async #walk(folder: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder === '' ? this.root : path.join(this.root, ...folder.split('/')), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (folder === '' && entry.name === STAGING) continue;
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) await this.#walk(key, keys);
      else if (entry.isFile()) keys.push(key);
    }
  }

  #pathOf(key: string): string {
    const segments = key.split('/');
    const invalid =
      key.length === 0 ||
      key.includes('\\') ||
      key.includes('\0') ||
      path.isAbsolute(key) ||
      segments[0] === STAGING ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..');
    if (invalid) throw new AppError('validation-failed', { detail: `invalid object key "${key}"` });
    const resolved = path.join(this.root, ...segments);
    if (!resolved.startsWith(this.root + path.sep)) throw new AppError('validation-failed', { detail: `object key "${key}" escapes the store` });
    return resolved;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
