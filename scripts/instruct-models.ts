/**
 * The small instruct GGUFs `npm run models:fetch -- --llm [name]` offers for the local generator
 * (GENERATOR=llama-cpp), each pinned to a Hub commit, an exact size and a SHA-256.
 *
 * Where the pins come from: these machines cannot reach Hugging Face, so the files were not
 * downloaded here. Revision, size and SHA-256 of each file are the ones published, identically, by
 * several unrelated public projects that pin the same commit of the same repository. The download
 * is checked against them and against the LFS sha256 the Hub declares for the file (X-Linked-Etag):
 * a file whose declared hash differs from the pin is refused before any byte is fetched, one whose
 * size or hash differs after the download is removed. Both repositories are Apache-2.0.
 */
export interface InstructModel {
  repository: string;
  file: string;
  /** Hub commit the size and hash belong to; a moved `main` cannot change what is fetched. */
  revision: string;
  /** Exact size of `file` at `revision`, in bytes. */
  size: number;
  /** SHA-256 of `file` at `revision`. */
  sha256: string;
  /** What it is, for the command's message. */
  description: string;
}

export const INSTRUCT_MODELS = {
  'qwen2.5-0.5b': {
    repository: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    revision: '9217f5db79a29953eb74d5343926648285ec7e67',
    size: 491_400_032,
    sha256: '74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db',
    description: 'Qwen2.5-0.5B-Instruct, Q4_K_M (469 MiB; the better instruction follower of the two)',
  },
  'smollm2-360m': {
    repository: 'HuggingFaceTB/SmolLM2-360M-Instruct-GGUF',
    file: 'smollm2-360m-instruct-q8_0.gguf',
    revision: '593b5a2e04c8f3e4ee880263f93e0bd2901ad47f',
    size: 386_404_992,
    sha256: '48ab3034d0dd401fbc721eb1df3217902fee7dab9078992d66431f09b7750201',
    description: 'SmolLM2-360M-Instruct, Q8_0 (369 MiB; smaller and faster on a CPU)',
  },
} as const satisfies Record<string, InstructModel>;

export type InstructModelName = keyof typeof INSTRUCT_MODELS;

/** What `--llm` alone fetches. */
export const DEFAULT_INSTRUCT_MODEL: InstructModelName = 'qwen2.5-0.5b';

/** The download URL prefix of a model at its pinned revision; `endpoint` is the Hub (or a mirror: HF_ENDPOINT). */
export function instructModelBaseUrl(model: InstructModel, endpoint = 'https://huggingface.co'): string {
  return `${endpoint.replace(/\/+$/, '')}/${model.repository}/resolve/${model.revision}`;
}

/** The one file of a model with its pins, as scripts/models-fetch.ts's `fetchModelFiles` takes it. */
export const instructModelFile = (model: InstructModel): { path: string; sha256: string; size: number } => ({ path: model.file, sha256: model.sha256, size: model.size });
