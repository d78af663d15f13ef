import type { BorrowerProfile } from '../contracts/advice.ts';
import { sha256Hex } from '../encoding/hex.ts';
import { normalizeText } from '../text/normalize-text.ts';

export { sha256Hex };

/**
 * Normalises a question for cache lookups: NFKC, unified quotes and dashes, lower case,
 * collapsed whitespace, trailing punctuation removed. "What is APR?" and "  what is  apr "
 * share one cache entry.
 */
export function normalizeQueryForCache(query: string): string {
  return normalizeText(query)
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .toLowerCase()
    .replace(/[\s?!.,;:]+$/u, '');
}

/** The profile with keys sorted and undefined values dropped, so key order never splits the cache. */
export function canonicalProfile(profile: BorrowerProfile | undefined): Record<string, unknown> {
  if (!profile) return {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(profile).sort()) {
    const value = (profile as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Hash of the normalised question and profile (no index version). */
export async function adviceContentHash(query: string, profile: BorrowerProfile | undefined): Promise<string> {
  return sha256Hex(JSON.stringify({ q: normalizeQueryForCache(query), p: canonicalProfile(profile) }));
}

/**
 * Answer-cache key: `<prefix>advice:<indexVersion>:<sha256(normalised query + profile)>`.
 * The live index version is part of the key, so a new index never serves old answers.
 */
export async function adviceCacheKey(options: {
  prefix?: string;
  indexVersion: string;
  query: string;
  profile?: BorrowerProfile | undefined;
}): Promise<string> {
  const prefix = options.prefix ?? 'apfa:';
  return `${prefix}advice:${options.indexVersion}:${await adviceContentHash(options.query, options.profile)}`;
}

/** Where core publishes the live index version for the edge. */
export const liveIndexVersionKey = (prefix = 'apfa:'): string => `${prefix}index:live`;
