import { everydaySynonyms, rewriteEverydayPhrases } from './everyday-synonyms.ts';
import { lendingQueryExpansion } from './lending-vocabulary.ts';
import { tokenize } from './tokenize.ts';

/**
 * The service's BM25 query expansion for lending questions: the other names of every program
 * and concept the query mentions (lending-vocabulary.ts: "PMI" → private mortgage insurance)
 * and the guide's words for the borrower's everyday ones (everyday-synonyms.ts: "send" →
 * submit, file; "pay it back" → repay). Terms the query already has are never repeated.
 */
export function borrowerQueryExpansion(query: string): string[] {
  const own = new Set(tokenize(query));
  const extra = new Set(lendingQueryExpansion(query));
  for (const term of tokenize(rewriteEverydayPhrases(query.toLowerCase()))) if (!own.has(term)) extra.add(term);
  for (const term of own) for (const synonym of everydaySynonyms(term)) if (!own.has(synonym)) extra.add(synonym);
  return [...extra];
}
