import { ProblemSchema, PROBLEM_CONTENT_TYPE } from '../../shared/errors/problem.ts';

const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });

/** Problem responses the edge's routes can produce, for the OpenAPI document. */
export const problemResponses = {
  400: problem('Malformed request body'),
  401: problem('Missing, invalid or expired token'),
  403: problem('The role lacks the required permission (from core)'),
  413: problem('Body too large'),
  415: problem('Unsupported content type'),
  422: problem('Validation or text-policy failure'),
  429: problem('Rate limited; see Retry-After and RateLimit-* headers'),
  503: problem('Core or the rate-limit store is unavailable; see Retry-After'),
  504: problem('Core did not answer in time; see Retry-After'),
} as const;

export const pickProblems = <K extends keyof typeof problemResponses>(...codes: K[]) =>
  Object.fromEntries(codes.map((code) => [code, problemResponses[code]])) as Pick<typeof problemResponses, K>;
