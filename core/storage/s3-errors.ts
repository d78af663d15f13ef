import { AppError, isAppError } from '../../shared/errors/app-error.ts';

/** S3 error codes that mean "this object is not there". */
const MISSING_CODES = new Set(['NoSuchKey', 'NotFound', 'NoSuchObject']);

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

export const isMissingObject = (error: unknown): boolean => MISSING_CODES.has(codeOf(error) ?? '');

/**
 * Any failure talking to S3 (connection refused or reset, DNS, 5xx, access denied, missing
 * bucket) becomes AppError 'upstream-unavailable'. The detail names the operation, bucket and the
 * S3 or socket error code only: never the raw message, which could echo request details.
 */
export function toUpstreamError(error: unknown, operation: string, bucket: string): AppError {
  if (isAppError(error)) return error;
  const code = codeOf(error) ?? (error instanceof AggregateError ? codeOf(error.errors[0]) : undefined) ?? 'unknown error';
  return new AppError('upstream-unavailable', { detail: `object storage ${operation} on bucket ${bucket} failed (${code})`, cause: error });
}
