import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The tiny random-weight Llama-2 GGUF used to exercise node-llama-cpp for real (see
 * ../shared/models/llama-2-tiny-random/SOURCE.md). `APFA_TINY_GGUF` points elsewhere.
 */
export const TINY_LLAMA_GGUF = process.env.APFA_TINY_GGUF || fileURLToPath(new URL('../../../shared/models/llama-2-tiny-random/llama-2-tiny-random.gguf', import.meta.url));

/**
 * Whether a model fixture is present. A checkout on its own (a user's `npm test`) has no
 * ../shared, so tests that need one are skipped there; with `APFA_REQUIRE_FIXTURES=1` (set by
 * .ci/run on machines that have ../shared/models) a missing fixture fails the test file instead,
 * so a moved or renamed file cannot silently turn those tests into skips.
 */
export function hasModelFixture(path: string = TINY_LLAMA_GGUF): boolean {
  if (existsSync(path)) return true;
  if (process.env.APFA_REQUIRE_FIXTURES === '1') {
    throw new Error(`model fixture ${path} is missing and APFA_REQUIRE_FIXTURES=1 (set APFA_TINY_GGUF, or unset APFA_REQUIRE_FIXTURES to skip these tests)`);
  }
  return false;
}
