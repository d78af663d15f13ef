import { ProblemSchema, PROBLEM_CONTENT_TYPE } from '../../shared/errors/problem.ts';

const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });

/** Problem responses shared by route definitions, for the OpenAPI document. */
export const problemResponses = {
  400: problem('Malformed request body'),
  401: problem('Missing, invalid or expired token'),
  403: problem('The role lacks the required permission'),
  413: problem('Body too large'),
  415: problem('Unsupported content type'),
  422: problem('Validation or text-policy failure'),
  429: problem('Rate limited'),
  503: problem('Not ready or a dependency is unavailable'),
} as const;

export const pickProblems = <K extends keyof typeof problemResponses>(...codes: K[]) =>
  Object.fromEntries(codes.map((code) => [code, problemResponses[code]])) as Pick<typeof problemResponses, K>;
