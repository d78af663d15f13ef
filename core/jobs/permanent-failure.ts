import { isAppError } from '../../shared/errors/app-error.ts';

/** Errors a retry cannot fix (bad input, unknown source or version, wrong model): fail at once. */
export function isPermanentFailure(error: unknown): boolean {
  return isAppError(error) && (error.code === 'validation-failed' || error.code === 'not-found' || error.code === 'index-mismatch');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
