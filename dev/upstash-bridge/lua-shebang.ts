import { createHash } from 'node:crypto';

const SHEBANG = /^#!lua[^\n]*\n/;

export const sha1Hex = (text: string): string => createHash('sha1').update(text).digest('hex');

/**
 * Redis 7.0 refuses the `#!lua flags=...` shebang that @upstash/ratelimit >= 2.1 sends (real
 * Upstash accepts it). The bridge strips it and remembers sha1(original) → sha1(stripped) so the
 * client's EVALSHA (computed over the original text) still finds the loaded script.
 */
export class LuaScriptTranslator {
  readonly #shaMap = new Map<string, string>();
  #stripped = 0;

  /** Number of scripts whose shebang was removed (for tests and diagnostics). */
  get strippedCount(): number {
    return this.#stripped;
  }

  /** Returns the script Redis should run, recording the SHA mapping when it changed. */
  prepare(script: string): string {
    if (!SHEBANG.test(script)) return script;
    const stripped = script.replace(SHEBANG, '');
    this.#shaMap.set(sha1Hex(script).toLowerCase(), sha1Hex(stripped));
    this.#stripped += 1;
    return stripped;
  }

  /** Maps a client-side SHA to the one Redis knows. Unknown SHAs pass through (Redis answers NOSCRIPT). */
  translateSha(sha: string): string {
    return this.#shaMap.get(sha.toLowerCase()) ?? sha;
  }
}
