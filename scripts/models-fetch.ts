/**
 * `npm run models:fetch [-- --dir <dir>] [--variant fp32|int8]`: downloads the all-MiniLM-L6-v2
 * ONNX export and its tokenizer files from Hugging Face at a pinned revision, verifying each file's
 * SHA-256 (pinned below, or the LFS oid the Hub declares) before it is moved into place.
 *
 * `npm run models:fetch -- --llm [qwen2.5-0.5b|smollm2-360m] [--dir <dir>]` (or
 * `npm run models:fetch:llm`): a small instruct GGUF for GENERATOR=llama-cpp instead, pinned to a
 * revision, size and SHA-256 (scripts/instruct-models.ts), through the same download and checks.
 * HF_ENDPOINT replaces https://huggingface.co (a mirror).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, realpathSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '../shared/errors/app-error.ts';
import { DEFAULT_INSTRUCT_MODEL, INSTRUCT_MODELS, instructModelBaseUrl, instructModelFile, type InstructModel } from './instruct-models.ts';

export const MODEL_REPOSITORY = 'sentence-transformers/all-MiniLM-L6-v2';
/** The Hub commit the hashes below belong to; a moved `main` cannot change what is fetched. */
export const MODEL_REVISION = 'c9745ed1d9f207416be6d2e6f8de32d1f16199bf';
export const MODEL_BASE_URL = `https://huggingface.co/${MODEL_REPOSITORY}/resolve/${MODEL_REVISION}`;

/** One file to fetch: its path in the repository and, when published, its SHA-256 and size. */
export interface ModelFileSpec {
  path: string;
  sha256?: string;
  /** Exact size in bytes; a download of any other length is refused. */
  size?: number;
}

/**
 * SHA-256 of files at {@link MODEL_REVISION}, as published by several independent projects that pin
 * this revision (and vocab.txt matching the copy in shared/models). model_qint8_avx512.onnx has no
 * published hash we could find; it is checked against the LFS oid the Hub declares instead.
 */
export const PINNED_SHA256: Readonly<Record<string, string>> = {
  'onnx/model.onnx': '6fd5d72fe4589f189f8ebc006442dbb529bb7ce38f8082112682524616046452',
  'tokenizer.json': 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
  'tokenizer_config.json': 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b',
  'config.json': '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41',
  'special_tokens_map.json': '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3',
  'vocab.txt': '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
};

/** The files for one variant: fp32 (onnx/model.onnx, ~90 MB) or int8 (onnx/model_qint8_avx512.onnx, ~23 MB). */
export function modelFiles(variant: 'fp32' | 'int8'): ModelFileSpec[] {
  const graph = variant === 'fp32' ? 'onnx/model.onnx' : 'onnx/model_qint8_avx512.onnx';
  return [graph, 'tokenizer.json', 'tokenizer_config.json', 'config.json', 'special_tokens_map.json', 'vocab.txt'].map((path) => {
    const sha256 = PINNED_SHA256[path];
    return sha256 === undefined ? { path } : { path, sha256 };
  });
}

export interface FetchModelFilesOptions {
  /** URL prefix; each file is fetched from `<baseUrl>/<path>`. */
  baseUrl: string;
  files: readonly ModelFileSpec[];
  /** Destination; files land flat in it under their base names (onnx/model.onnx → model.onnx). */
  dir: string;
  fetch?: typeof globalThis.fetch;
  log?: (line: string) => void;
}

export interface FetchedFile {
  path: string;
  savedAs: string;
  sha256: string;
  bytes: number;
  /** Where the expected hash came from. */
  verifiedAgainst: 'pinned' | 'declared' | 'pinned+declared';
  skipped: boolean;
}

/**
 * Downloads `files` into `dir`, each streamed to a temporary file while hashed, and moved into
 * place only when its SHA-256 equals the expected one: the pinned hash, else the LFS oid the server
 * declares (`X-Linked-Etag` on the resolve redirect, or an ETag holding 64 hex digits), and, when
 * the spec gives one, its size equals the expected size (checked against Content-Length before the
 * body is read, and while streaming). A file with no known hash, or whose pinned and declared hashes
 * differ, is refused; a mismatch removes the download (and any stale copy). A file already present
 * with its pinned size and hash is not fetched again.
 */
export async function fetchModelFiles(options: FetchModelFilesOptions): Promise<FetchedFile[]> {
  const { baseUrl, files, dir, fetch = globalThis.fetch, log = () => {} } = options;
  await mkdir(dir, { recursive: true });
  const fetched: FetchedFile[] = [];
  for (const file of files) {
    const url = `${baseUrl.replace(/\/+$/, '')}/${file.path}`;
    const target = join(dir, basename(file.path));
    const pinned = file.sha256?.toLowerCase();
    const present = pinned === undefined ? undefined : await sizeOfFile(target);
    if (present !== undefined && (file.size === undefined || present === file.size) && (await sha256OfFile(target)) === pinned) {
      log(`${file.path}: already present and verified`);
      fetched.push({ path: file.path, savedAs: target, sha256: pinned!, bytes: present, verifiedAgainst: 'pinned', skipped: true });
      continue;
    }
    const declared = await declaredSha256(url, fetch);
    if (pinned !== undefined && declared !== undefined && pinned !== declared) {
      throw new AppError('validation-failed', { detail: `${url}: the server declares sha256 ${declared} but ${pinned} is pinned; refusing to download` });
    }
    const expected = pinned ?? declared;
    if (expected === undefined) {
      throw new AppError('validation-failed', { detail: `${url}: no pinned or declared sha256 to verify against; refusing to download` });
    }
    log(`${file.path}: downloading${file.size === undefined ? '' : ` (${file.size.toLocaleString('en-US')} bytes)`}`);
    const { temporary, sha256: actual, bytes } = await download(url, target, fetch, file.size);
    if (file.size !== undefined && bytes !== file.size) {
      await rm(temporary, { force: true });
      await rm(target, { force: true });
      throw new AppError('validation-failed', { detail: `${url}: ${bytes} bytes instead of the expected ${file.size}; download removed` });
    }
    if (actual !== expected) {
      await rm(temporary, { force: true });
      // A stale copy under the final name failed verification too (or was never checked): remove it.
      await rm(target, { force: true });
      throw new AppError('validation-failed', { detail: `${url}: sha256 ${actual} does not match the expected ${expected}; download removed` });
    }
    await rename(temporary, target);
    log(`${file.path}: sha256 ${actual} verified`);
    const verifiedAgainst = pinned !== undefined && declared !== undefined ? 'pinned+declared' : pinned !== undefined ? 'pinned' : 'declared';
    fetched.push({ path: file.path, savedAs: target, sha256: actual, bytes, verifiedAgainst, skipped: false });
  }
  return fetched;
}

/** The LFS sha256 the server declares for `url`, from a HEAD that does not follow the redirect. */
async function declaredSha256(url: string, fetch: typeof globalThis.fetch): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD', redirect: 'manual' });
  } catch (error) {
    throw new AppError('upstream-unavailable', { detail: `HEAD ${url} failed: ${(error as Error).message}`, cause: error });
  }
  if (response.status >= 400) throw new AppError('upstream-unavailable', { detail: `HEAD ${url} answered ${response.status}` });
  // For LFS files the Hub puts the object's sha256 in X-Linked-Etag (ETag of a git file is a sha1).
  for (const header of ['x-linked-etag', 'etag']) {
    const value = response.headers.get(header)?.replace(/^W\//, '').replaceAll('"', '').toLowerCase();
    if (value !== undefined && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return undefined;
}

/**
 * Streams `url` to a temporary file beside `target`; returns that file, its sha256 and its length.
 * With `expectedSize`, a Content-Length that differs is refused before the body is read, and a body
 * that grows past it is cut off (a server cannot fill the disk).
 */
async function download(url: string, target: string, fetch: typeof globalThis.fetch, expectedSize?: number): Promise<{ temporary: string; sha256: string; bytes: number }> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    throw new AppError('upstream-unavailable', { detail: `GET ${url} failed: ${(error as Error).message}`, cause: error });
  }
  if (!response.ok || response.body === null) throw new AppError('upstream-unavailable', { detail: `GET ${url} answered ${response.status}` });
  const announced = response.headers.get('content-length');
  if (expectedSize !== undefined && announced !== null && Number(announced) !== expectedSize) {
    await response.body.cancel();
    throw new AppError('validation-failed', { detail: `${url}: the server announces ${announced} bytes instead of the expected ${expectedSize}; refusing to download` });
  }
  const temporary = `${target}.${randomBytes(6).toString('hex')}.part`;
  const hash = createHash('sha256');
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (expectedSize !== undefined && bytes > expectedSize) {
        callback(new AppError('validation-failed', { detail: `${url}: more than the expected ${expectedSize} bytes; download removed` }));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), hashing, createWriteStream(temporary));
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof AppError) throw error;
    throw new AppError('upstream-unavailable', { detail: `GET ${url} broke off: ${(error as Error).message}`, cause: error });
  }
  return { temporary, sha256: hash.digest('hex'), bytes };
}

async function sizeOfFile(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    // Absent: it will be fetched.
    return undefined;
  }
}

/** Streamed, so a model of several hundred megabytes is not read into memory at once. */
async function sha256OfFile(path: string): Promise<string | undefined> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    // Absent (or unreadable): it will be fetched.
    return undefined;
  }
}

export type ModelsFetchRequest = { kind: 'embedding'; dir: string | undefined; variant: 'fp32' | 'int8' } | { kind: 'llm'; dir: string | undefined; model: string };

type InstructCatalog = Readonly<Record<string, InstructModel>>;

const usage = (models: InstructCatalog) =>
  `usage: npm run models:fetch [-- --dir <dir>] [--variant fp32|int8]  |  npm run models:fetch -- --llm [${Object.keys(models).join('|')}] [--dir <dir>]`;

/**
 * The command line of `npm run models:fetch`: the embedding model (default) or, with
 * `--llm [name]`, an instruct GGUF from `models` (default: scripts/instruct-models.ts).
 */
export function parseModelsFetchArguments(argv: readonly string[], models: InstructCatalog = INSTRUCT_MODELS): ModelsFetchRequest {
  const USAGE = usage(models);
  let dir: string | undefined;
  let variant: 'fp32' | 'int8' | undefined;
  let model: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const value = argv[i + 1];
    if (argument === '--dir' && value !== undefined) {
      dir = value;
      i++;
    } else if (argument === '--variant' && (value === 'fp32' || value === 'int8')) {
      variant = value;
      i++;
    } else if (argument === '--llm') {
      if (value !== undefined && !value.startsWith('--')) {
        if (!Object.hasOwn(models, value)) throw new AppError('validation-failed', { detail: `unknown model ${value}; ${USAGE}` });
        model = value;
        i++;
      } else {
        model = Object.hasOwn(models, DEFAULT_INSTRUCT_MODEL) ? DEFAULT_INSTRUCT_MODEL : Object.keys(models)[0];
        if (model === undefined) throw new AppError('validation-failed', { detail: 'no instruct models to offer' });
      }
    } else {
      throw new AppError('validation-failed', { detail: `unknown argument ${argument}; ${USAGE}` });
    }
  }
  if (model !== undefined && variant !== undefined) throw new AppError('validation-failed', { detail: `--variant applies to the embedding model, not --llm; ${USAGE}` });
  return model === undefined ? { kind: 'embedding', dir, variant: variant ?? 'fp32' } : { kind: 'llm', dir, model };
}

export interface RunModelsFetchOptions {
  /** APFA_DATA_DIR (default folder) and HF_ENDPOINT (a Hub mirror) are read from here. */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof globalThis.fetch;
  log?: (line: string) => void;
  /** The instruct models `--llm` offers (default: scripts/instruct-models.ts). */
  models?: InstructCatalog;
}

/** `npm run models:fetch`: fetches and verifies what the arguments ask for; returns the files. */
export async function runModelsFetch(argv: readonly string[], options: RunModelsFetchOptions = {}): Promise<FetchedFile[]> {
  const { env = process.env, log = (line) => console.log(line), models = INSTRUCT_MODELS as InstructCatalog } = options;
  const request = parseModelsFetchArguments(argv, models);
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const dataDir = env.APFA_DATA_DIR || join(repoRoot, '.data');
  const endpoint = env.HF_ENDPOINT || 'https://huggingface.co';
  const fetchOptions = { ...(options.fetch === undefined ? {} : { fetch: options.fetch }), log: (line: string) => log(`  ${line}`) };
  if (request.kind === 'embedding') {
    const dir = resolve(request.dir ?? join(dataDir, 'models', 'all-MiniLM-L6-v2'));
    log(`fetching ${MODEL_REPOSITORY}@${MODEL_REVISION.slice(0, 12)} (${request.variant}) into ${dir}`);
    const baseUrl = `${endpoint.replace(/\/+$/, '')}/${MODEL_REPOSITORY}/resolve/${MODEL_REVISION}`;
    const fetched = await fetchModelFiles({ baseUrl, files: modelFiles(request.variant), dir, ...fetchOptions });
    log(`\n${fetched.length} files verified in ${dir}`);
    log(`use them with: EMBEDDER=onnx MODEL_DIR=${dir}`);
    return fetched;
  }
  const model = models[request.model]!;
  const dir = resolve(request.dir ?? join(dataDir, 'models', 'llm'));
  log(`fetching ${model.repository}@${model.revision.slice(0, 12)}/${model.file} — ${model.description} — into ${dir}`);
  const fetched = await fetchModelFiles({ baseUrl: instructModelBaseUrl(model, endpoint), files: [instructModelFile(model)], dir, ...fetchOptions });
  const [file] = fetched;
  if (file) {
    log(`\n${file.savedAs}: ${file.bytes.toLocaleString('en-US')} bytes, sha256 ${file.sha256} (checked against the ${file.verifiedAgainst} hash)`);
    log(`use it with: GENERATOR=llama-cpp LLM_MODEL_PATH=${file.savedAs}`);
  }
  return fetched;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  runModelsFetch(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`models:fetch failed: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
