/**
 * `tsx scripts/models-fetch-llm.ts [--model qwen2.5-0.5b|smollm2-360m] [--dir <dir>]`: downloads a
 * small instruct GGUF for the local generator (GENERATOR=llama-cpp) from Hugging Face, verified by
 * SHA-256 before it is moved into place (scripts/models-fetch.ts does the download and the check).
 *
 * Pins: each model has a `revision` (a Hub commit) and a `sha256`. Neither could be read on the
 * machines this was written on (no network), so both are left empty: until they are filled in,
 * the file comes from `main` and is checked against the LFS sha256 the Hub declares for it
 * (X-Linked-Etag) — a corrupted or truncated download is still refused, but a moved `main` would be
 * followed. Fill both in (the revision from the repository's commit history, the sha256 from the
 * file page or `sha256sum`) and every download is checked against the pinned hash as well; if
 * the Hub then declares a different hash the download is refused.
 */
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '../shared/errors/app-error.ts';
import { fetchModelFiles } from './models-fetch.ts';

export interface InstructModel {
  repository: string;
  file: string;
  /** Hub commit to fetch; undefined until pinned (then `main`). */
  revision: string | undefined;
  /** SHA-256 of `file` at `revision`; undefined until pinned (then the hash the Hub declares). */
  sha256: string | undefined;
  /** Approximate download size, for the message. */
  size: string;
}

export const INSTRUCT_MODELS = {
  'qwen2.5-0.5b': {
    repository: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    revision: undefined,
    sha256: undefined,
    size: '~400 MB',
  },
  'smollm2-360m': {
    repository: 'HuggingFaceTB/SmolLM2-360M-Instruct-GGUF',
    file: 'smollm2-360m-instruct-q8_0.gguf',
    revision: undefined,
    sha256: undefined,
    size: '~390 MB',
  },
} as const satisfies Record<string, InstructModel>;

export type InstructModelName = keyof typeof INSTRUCT_MODELS;

/** The download URL prefix for a model: its pinned revision, or `main` while unpinned. */
export function instructModelBaseUrl(model: InstructModel): string {
  return `https://huggingface.co/${model.repository}/resolve/${model.revision ?? 'main'}`;
}

function parseArguments(argv: readonly string[]): { dir: string | undefined; model: InstructModelName } {
  let dir: string | undefined;
  let model: InstructModelName = 'qwen2.5-0.5b';
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const value = argv[i + 1];
    if (argument === '--dir' && value !== undefined) {
      dir = value;
      i++;
    } else if (argument === '--model' && value !== undefined && value in INSTRUCT_MODELS) {
      model = value as InstructModelName;
      i++;
    } else {
      throw new AppError('validation-failed', {
        detail: `unknown argument ${argument}; usage: tsx scripts/models-fetch-llm.ts [--model ${Object.keys(INSTRUCT_MODELS).join('|')}] [--dir <dir>]`,
      });
    }
  }
  return { dir, model };
}

async function main(): Promise<void> {
  const { dir: requested, model: name } = parseArguments(process.argv.slice(2));
  const model: InstructModel = INSTRUCT_MODELS[name];
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const dir = resolve(requested ?? join(process.env.APFA_DATA_DIR ?? join(repoRoot, '.data'), 'models', 'llm'));
  console.log(`fetching ${model.repository}/${model.file} (${model.size}) into ${dir}`);
  if (model.revision === undefined || model.sha256 === undefined) {
    console.log('  note: no pinned revision/sha256 yet; fetching from main and verifying against the sha256 the Hub declares');
  }
  const [fetched] = await fetchModelFiles({
    baseUrl: instructModelBaseUrl(model),
    files: [model.sha256 === undefined ? { path: model.file } : { path: model.file, sha256: model.sha256 }],
    dir,
    log: (line) => console.log(`  ${line}`),
  });
  if (!fetched) return;
  console.log(`\n${fetched.savedAs} verified (sha256 ${fetched.sha256}, against ${fetched.verifiedAgainst})`);
  console.log(`use it with: GENERATOR=llama-cpp LLM_MODEL_PATH=${fetched.savedAs}`);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(`models:fetch (llm) failed: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
