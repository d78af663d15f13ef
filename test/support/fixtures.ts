import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where test material from outside the repository lives (the delta-rs golden tables, the real
 * MiniLM tokenizer, the tiny Llama GGUF): `APFA_FIXTURES_DIR`, by default `../shared` beside the
 * repository. A plain clone has no such folder, so the tests that need it skip.
 */
export const FIXTURES_DIR = resolve(REPOSITORY_ROOT, process.env.APFA_FIXTURES_DIR || '../shared');

/** A file or folder from the fixtures folder (or an explicit override) that some tests read. */
export interface OutsideFixture {
  /** Absolute path. */
  readonly path: string;
  /** Whether it exists: tests that need it run only when it does. */
  readonly present: boolean;
  /** One line for people: what is missing and which setting makes these tests run. */
  readonly reason: string;
}

const announced = new Set<string>();

/**
 * Looks up `relativePath` under {@link FIXTURES_DIR} (or `override`, set from the environment
 * variable named by `overrideVariable`). When it is missing the tests that need it skip, and one
 * line says why; with `APFA_REQUIRE_FIXTURES=1` (set by .ci/run where ../shared exists) a missing
 * fixture throws instead, failing the test file, so a moved or renamed file cannot silently turn
 * those tests into skips.
 */
export function outsideFixture(relativePath: string, options: { overrideVariable?: string } = {}): OutsideFixture {
  const { overrideVariable } = options;
  const override = overrideVariable ? process.env[overrideVariable] : undefined;
  const path = override ? resolve(REPOSITORY_ROOT, override) : join(FIXTURES_DIR, relativePath);
  const present = existsSync(path);
  const setting = override ? overrideVariable! : `APFA_FIXTURES_DIR${overrideVariable ? ` or ${overrideVariable}` : ''}`;
  const reason = `fixture ${displayPath(path)} is missing: set ${setting} to run the tests that need it`;
  if (!present && process.env.APFA_REQUIRE_FIXTURES === '1') {
    throw new Error(`${reason} (APFA_REQUIRE_FIXTURES=1 turns this skip into a failure)`);
  }
  if (!present && !announced.has(path)) {
    announced.add(path);
    console.warn(`skipped: ${reason}`);
  }
  return { path, present, reason };
}

function displayPath(path: string): string {
  // Beside the repository (../shared/…) reads better relative; anywhere else, absolute.
  const fromRoot = relative(REPOSITORY_ROOT, path);
  return isAbsolute(fromRoot) || fromRoot.startsWith(`..${sep}..`) ? path : fromRoot;
}

/** The tiny random-weight Llama-2 GGUF (see models/llama-2-tiny-random/SOURCE.md); `APFA_TINY_GGUF` points elsewhere. */
export function tinyLlamaGguf(): OutsideFixture {
  return outsideFixture('models/llama-2-tiny-random/llama-2-tiny-random.gguf', { overrideVariable: 'APFA_TINY_GGUF' });
}

/** The folder of the real all-MiniLM-L6-v2 tokenizer files (tokenizer.json, tokenizer_config.json, config.json; no weights). */
export function miniLmTokenizer(): OutsideFixture {
  return outsideFixture('models/all-MiniLM-L6-v2-tokenizer');
}

/** The folder of the delta-rs golden Delta tables (see its SOURCE.md for the rows each one holds). */
export function deltaGoldenTables(): OutsideFixture {
  return outsideFixture('data/delta');
}
