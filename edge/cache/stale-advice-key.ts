import { adviceContentHash } from '../../shared/cache/advice-cache-key.ts';
import type { BorrowerProfile } from '../../shared/contracts/advice.ts';

/**
 * Key of the version-less "last good answer" copy served when core is down:
 * `<prefix>advice-stale:<sha256 of the normalised query and profile>` (the same content hash as
 * the versioned key, so both copies always describe the same question).
 */
export async function staleAdviceKey(prefix: string, question: { query: string; profile?: BorrowerProfile | undefined }): Promise<string> {
  return `${prefix}advice-stale:${await adviceContentHash(question.query, question.profile)}`;
}
