import { AppError } from '../../shared/errors/app-error.ts';

/** S3 caps keys at 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

/**
 * The key rules every ObjectStore adapter shares (see LocalFolderObjectStore): relative
 * '/'-separated paths without '.', '..' or empty segments, no backslash or NUL, and nothing under
 * the local adapter's `.staging` folder, so a bucket can be copied into a folder and back.
 */
export function assertValidObjectKey(key: string): void {
  const segments = key.split('/');
  const invalid =
    key.length === 0 ||
    key.includes('\\') ||
    key.includes('\0') ||
    key.startsWith('/') ||
    segments[0] === '.staging' ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (invalid) throw new AppError('validation-failed', { detail: `invalid object key "${key}"` });
  if (new TextEncoder().encode(key).byteLength > MAX_KEY_BYTES) {
    throw new AppError('validation-failed', { detail: `object key longer than ${MAX_KEY_BYTES} bytes` });
  }
}

/** A list prefix is a plain string prefix ('' for all); the same characters are refused as in keys. */
export function assertValidKeyPrefix(prefix: string): void {
  if (prefix.includes('\\') || prefix.includes('\0') || prefix.startsWith('/')) {
    throw new AppError('validation-failed', { detail: `invalid key prefix "${prefix}"` });
  }
}
