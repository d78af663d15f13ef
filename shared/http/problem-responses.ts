import { ProblemSchema, PROBLEM_CONTENT_TYPE } from '../errors/problem.ts';

/** An OpenAPI response whose body is an RFC 9457 problem (application/problem+json). */
export const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });

/** One documented problem response. */
export type ProblemResponse = ReturnType<typeof problemResponse>;

/** The statuses both tiers' routes share, with the wording a tier keeps unless it overrides it. */
const DEFAULT_DESCRIPTIONS = {
  400: 'Malformed request body',
  401: 'Missing, invalid or expired token',
  403: 'The role lacks the required permission',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Validation or text-policy failure',
  429: 'Rate limited',
  503: 'Not ready or a dependency is unavailable',
  504: 'A dependency did not answer in time',
} as const;

/** A status `pickProblems` can document. */
export type CommonProblemStatus = keyof typeof DEFAULT_DESCRIPTIONS;

/** Picks documented problem responses by status: `pickProblems(401, 403)` → `{ 401: …, 403: … }`. */
export type ProblemPicker = <K extends CommonProblemStatus>(...statuses: K[]) => Record<K, ProblemResponse>;

/**
 * Builds a tier's problem-response picker for route definitions (the OpenAPI document). A tier
 * overrides the description of a status where its behaviour says more (the edge's 429 names the
 * RateLimit headers); every other status keeps the shared wording.
 */
export function createProblemPicker(descriptions: Partial<Record<CommonProblemStatus, string>> = {}): ProblemPicker {
  const statuses = Object.keys(DEFAULT_DESCRIPTIONS).map(Number) as CommonProblemStatus[];
  const responses = new Map(statuses.map((status) => [status, problemResponse(descriptions[status] ?? DEFAULT_DESCRIPTIONS[status])]));
  return (...picked) => Object.fromEntries(picked.map((status) => [status, responses.get(status)!])) as Record<(typeof picked)[number], ProblemResponse>;
}

/** The picker with the shared wording (core's routes use it; the edge overrides a few descriptions). */
export const pickProblems: ProblemPicker = createProblemPicker();
