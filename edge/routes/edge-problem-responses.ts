import { createProblemPicker } from '../../shared/http/problem-responses.ts';

/** Problem responses the edge's routes can produce, in the edge's words, for its OpenAPI document. */
export const pickEdgeProblems = createProblemPicker({
  403: 'The role lacks the required permission (from core)',
  429: 'Rate limited; see Retry-After and RateLimit-* headers',
  503: 'Core or the rate-limit store is unavailable; see Retry-After',
  504: 'Core did not answer in time; see Retry-After',
});
