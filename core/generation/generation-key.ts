import { createHash } from 'node:crypto';
import type { GenerationInput } from '../ports/generator.ts';

/** The question as compared for "identical": case and runs of whitespace do not matter. */
export function normaliseQuery(query: string): string {
  return query.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * SHA-256 over what a generation depends on: the normalised question, the profile (keys sorted),
 * the index version and the passages (citation, id and text). Two inputs with the same key get
 * the same prompt.
 */
export function generationKey(input: GenerationInput): string {
  const profile = input.profile ? Object.entries(input.profile).sort(([a], [b]) => a.localeCompare(b)) : [];
  const passages = input.passages.map((passage) => [passage.citation, passage.id, passage.text]);
  return createHash('sha256')
    .update(JSON.stringify([normaliseQuery(input.query), profile, input.indexVersion ?? '', passages]))
    .digest('hex');
}
