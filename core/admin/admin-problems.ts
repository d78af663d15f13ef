import { ProblemSchema, PROBLEM_CONTENT_TYPE } from '../../shared/errors/problem.ts';

/** A problem+json response for the OpenAPI document (statuses problem-responses.ts does not list). */
export const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });
