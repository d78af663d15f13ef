import type { ZodError } from 'zod';
import { AppError } from '../errors/app-error.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** Flattens zod issues into `{ path, message }` pairs safe to show to clients (no input values). */
export function zodIssuesToErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** The AppError for a failed zod parse. */
export function validationError(error: ZodError, target = 'body'): AppError {
  const errors = zodIssuesToErrors(error);
  const first = errors[0];
  return new AppError('validation-failed', {
    detail: first ? `Invalid ${target}: ${first.path}: ${first.message}` : `Invalid ${target}`,
    extensions: { errors },
  });
}

/**
 * The one zod-openapi `defaultHook` both tiers use: a failed validation becomes an AppError,
 * which the app's single `onError` turns into problem+json.
 */
export function validationHook(result: { success: true } | { success: false; error: ZodError; target?: string }): void {
  if (!result.success) throw validationError(result.error, result.target ?? 'body');
}
