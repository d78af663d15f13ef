import { z } from '@hono/zod-openapi';
import { AppError, problemStatus, problemTitle, type ProblemCode } from './app-error.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details. `type` is a stable relative URI: `/problems/<code>`. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/validation-failed' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().openapi({ description: 'The stable problem code (last segment of type).' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'Field-level validation errors.' }),
  })
  .passthrough()
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;

export const problemType = (code: ProblemCode): string => `/problems/${code}`;

/** Builds the problem body for an error; unknown errors become a generic 500 without internals. */
export function toProblem(error: unknown, instance?: string): Problem {
  if (error instanceof AppError) {
    return {
      ...(error.extensions ?? {}),
      type: problemType(error.code),
      title: error.title,
      status: error.status,
      ...(error.detail === undefined ? {} : { detail: error.detail }),
      ...(instance === undefined ? {} : { instance }),
      code: error.code,
    };
  }
  return {
    type: problemType('internal'),
    title: problemTitle('internal'),
    status: problemStatus('internal'),
    detail: 'An unexpected error occurred. It has been logged.',
    ...(instance === undefined ? {} : { instance }),
    code: 'internal',
  };
}

/** A web-standard Response carrying problem+json. */
export function problemResponse(error: unknown, instance?: string): Response {
  const problem = toProblem(error, instance);
  const headers = new Headers({ 'content-type': PROBLEM_CONTENT_TYPE });
  if (error instanceof AppError && error.headers) {
    for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  }
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
