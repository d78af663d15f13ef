import { AppError } from '../../shared/errors/app-error.ts';

/**
 * A stored index file (a version's or a delta's) that fails its checksum or structure checks:
 * `/problems/index-corrupt` (409), whose detail names the file, so an operator activating it learns
 * which file to rebuild and the live version keeps serving.
 */
export function corruptIndexFile(detail: string, cause?: unknown): AppError {
  return new AppError('index-corrupt', { detail, cause });
}
