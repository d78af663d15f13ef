import { z } from 'zod';
import type { KnowledgeDocument } from '../ports/document.ts';
import type { ObjectStore, StructureCheck } from '../ports/object-store.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import { loadIndex } from '../index/load-index.ts';
import type { BuiltIndex } from './build-index.ts';
import { IndexManifestSchema, IndexVersionSchema } from './index-manifest.ts';
import type { IndexManifest } from './index-manifest.ts';
import type { LoadedIndex } from './loaded-index.ts';
import { getHashedObject } from './sha256.ts';
import { documentTableCheck, readDocumentTable, retireDocumentTable } from './document-table-bytes.ts';
import { releasingOnClose } from './releasing-on-close.ts';
import { bm25PostingsCheck, readBm25Postings } from '../retrieval/bm25-postings.ts';
import { LEXICAL_EMBEDDER_ID } from '../embedding/lexical-embedder.ts';
import { decodeLexicalState, lexicalStateCheck } from '../embedding/lexical-embedder-bytes.ts';
import { DeferredVectorIndex } from './deferred-vector-index.ts';
import { corruptIndexFile } from './corrupt-index-file.ts';

const PREFIX = 'indexes/';
const LATEST_KEY = `${PREFIX}latest`;
const LatestPointerSchema = z.object({ version: IndexVersionSchema });
/** Lets other work (HTTP requests of a serving instance) run between the large synchronous steps of a load. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Versioned index storage over an ObjectStore. */
export interface IndexRepository {
  /**
   * Writes `indexes/<version>/index.faiss`, the documents table and BM25 state (`documents.bin` and
   * `bm25.bin`, or `documents.json` and `bm25.json` for the first layout), the embedder state
   * (`embedder.bin`, binary-v2), `manifest.json` (without that state), then — last, so
   * readers never see a pointer to a half-written version — the pointer `indexes/latest`
   * (unless `setLatest: false`: the job system moves it in its publish step).
   */
  save(built: BuiltIndex, options?: { setLatest?: boolean }): Promise<IndexManifest>;
  /** Loads and verifies one version; AppError 'not-found' when it does not exist. */
  load(version: string): Promise<LoadedIndex>;
  /** Loads the version `indexes/latest` points at, or null when nothing was saved yet. */
  loadLatest(): Promise<LoadedIndex | null>;
  latestVersion(): Promise<string | null>;
  /** Points `indexes/latest` at an existing version (e.g. to roll back). */
  setLatest(version: string): Promise<void>;
  /** Stored version ids, oldest first. */
  listVersions(): Promise<string[]>;
  /** Stored manifests, oldest first. */
  listManifests(): Promise<IndexManifest[]>;
  /**
   * Deletes a stored version, its manifest first (so it is no longer listed or loadable even if
   * a later delete fails). AppError 'live-index-version' for the version `indexes/latest` points
   * at. Returns the objects deleted: 0 when the version did not exist.
   */
  deleteVersion(version: string): Promise<number>;
}

export interface IndexRepositoryOptions {
  /**
   * Turns verified index bytes into a searchable index (default: in-thread FAISS via loadIndex;
   * serving passes one that loads into a worker thread for large indexes).
   */
  loadVectors?: (bytes: Uint8Array, manifest: IndexManifest) => VectorIndex | Promise<VectorIndex>;
  /**
   * Versions whose vectors nothing will search at first (serving with BM25 alone): their
   * `index.faiss` is downloaded, verified and loaded on the first search instead of during the
   * load (see DeferredVectorIndex). Default: never.
   */
  deferVectors?: (manifest: IndexManifest) => boolean;
  /**
   * A serving instance's loads: the binary documents table and BM25 postings are read into the
   * store's reusable buffers where it has them (ObjectStore.getHashed `pooled`; the local folder
   * does), and closing the loaded version's `index` hands them back, so the next version reuses
   * them instead of allocating ~100 MB per 100k documents at every swap. Default: off.
   */
  pooledFiles?: boolean;
}

/**
 * Creates the repository. Loading checks every file against its sha256 in the manifest, the
 * binary files' structure, the FAISS header against the manifest's count and dimension, and the
 * documents table's length; any difference is AppError 'index-corrupt' naming the file (the stored
 * data is corrupt or was tampered with).
 */
export function createIndexRepository(store: ObjectStore, options: IndexRepositoryOptions = {}): IndexRepository {
  const loadVectors = options.loadVectors ?? ((bytes: Uint8Array) => loadIndex(bytes));
  const keys = (version: string, layout: IndexManifest['layout'] = undefined) => {
    const extension = layout === undefined ? 'json' : 'bin';
    return {
      index: `${PREFIX}${version}/index.faiss`,
      documents: `${PREFIX}${version}/documents.${extension}`,
      bm25: `${PREFIX}${version}/bm25.${extension}`,
      embedder: `${PREFIX}${version}/embedder.bin`,
      manifest: `${PREFIX}${version}/manifest.json`,
    };
  };
  /** `documents.bin of <version>`: how errors name a stored file. */
  const fileName = (key: string) => `${key.slice(key.lastIndexOf('/') + 1)} of ${key.slice(PREFIX.length, key.lastIndexOf('/'))}`;

  /** Downloads index.faiss, checks it against the manifest and loads it. */
  async function readVectors(manifest: IndexManifest): Promise<VectorIndex> {
    const key = keys(manifest.version).index;
    const downloaded = await getHashedObject(store, key);
    if (downloaded === null) throw corruptIndexFile(`index ${manifest.version} is missing index.faiss`);
    const { sha256, bytes } = downloaded;
    if (sha256 !== manifest.checksums.index) throw corruptIndexFile(`${fileName(key)} does not match its checksum`);
    await yieldToEventLoop();
    const index = await loadVectors(bytes, manifest);
    if (index.size !== manifest.count || index.dimension !== manifest.dimension) {
      index.close();
      throw corruptIndexFile(`index ${manifest.version} holds ${index.size}×${index.dimension}, manifest says ${manifest.count}×${manifest.dimension}`);
    }
    return index;
  }

  async function readManifest(version: string): Promise<IndexManifest | null> {
    const bytes = await store.get(keys(checkedVersion(version)).manifest);
    if (bytes === null) return null;
    return parseStored(IndexManifestSchema, bytes, `manifest of index ${version}`);
  }

  /**
   * Downloads one file of a version and checks it against its checksum off the event loop (where
   * the store reads it, when it can: one turn of the event loop per file for the local folder,
   * with `check` run there too; `checked` says whether it did). AppError 'index-corrupt' naming
   * the file when it is missing, differs or fails the check.
   */
  async function verified(
    version: string,
    key: string,
    checksum: string,
    check?: (file: string, expectSha256: string) => StructureCheck,
    releases?: Array<() => void>,
  ): Promise<{ bytes: Uint8Array; checked: boolean }> {
    const downloaded = await getHashedObject(store, key, check?.(fileName(key), checksum), { pooled: releases !== undefined });
    if (downloaded === null) throw corruptIndexFile(`index ${version} is missing ${key.slice(key.lastIndexOf('/') + 1)}`);
    if (downloaded.release) releases?.push(downloaded.release);
    if (downloaded.sha256 !== checksum) throw corruptIndexFile(`${fileName(key)} does not match its checksum`);
    return downloaded;
  }

  async function load(version: string): Promise<LoadedIndex> {
    const manifest = await readManifest(version);
    if (manifest === null) throw new AppError('not-found', { detail: `index version ${version} does not exist` });
    const paths = keys(version, manifest.layout);
    const binary = manifest.layout !== undefined;
    const { checksums } = manifest;
    // Serving instances load new versions while answering requests: each file is downloaded and
    // verified on its own (from a local folder: read, hashed and structure-checked on the I/O
    // thread, one turn of the event loop; from S3: hashed on that thread, then checked here in
    // slices with turns of the event loop between them), so a small file is read while a large
    // one is still hashed.
    // Pooled reads (pooledFiles, binary layout): each one's release, called when the version
    // closes, or at once when the load fails.
    const releases: Array<() => void> | undefined = options.pooledFiles === true && binary ? [] : undefined;
    const vectors = options.deferVectors?.(manifest) === true ? Promise.resolve(new DeferredVectorIndex(manifest, () => readVectors(manifest))) : readVectors(manifest);
    // A failed vector load is reported once, below, after the other files' checks.
    vectors.catch(() => {});
    const documentsRead = verified(version, paths.documents, checksums.documents, binary ? documentTableCheck : undefined, releases).then(({ bytes, checked }) =>
      binary ? readDocumentTable(bytes, fileName(paths.documents), { checked }) : parseDocumentsTable(bytes, `documents of index ${version}`),
    );
    const bm25Read =
      checksums.bm25 === undefined
        ? Promise.resolve(undefined)
        : verified(version, paths.bm25, checksums.bm25, binary ? bm25PostingsCheck : undefined, releases).then(({ bytes, checked }) =>
            binary ? readBm25Postings(bytes, fileName(paths.bm25), { checked }) : parseStored(z.unknown(), bytes, `bm25 state of index ${version}`),
          );
    const embedderRead =
      checksums.embedder === undefined
        ? Promise.resolve(undefined)
        : verified(version, paths.embedder, checksums.embedder, manifest.embedder.id === LEXICAL_EMBEDDER_ID ? lexicalStateCheck : undefined).then(({ bytes, checked }) =>
            readEmbedderState(manifest, bytes, fileName(paths.embedder), checked),
          );
    let index: VectorIndex | undefined;
    try {
      const [documents, bm25State, embedderState] = await Promise.all([documentsRead, bm25Read, embedderRead]);
      if (documents.length !== manifest.count) throw corruptIndexFile(`index ${version} has ${documents.length} documents for ${manifest.count} vectors`);
      index = await vectors;
      // binary-v2 keeps the embedder state out of the manifest; the loaded manifest carries it, as the earlier layouts' did.
      const loadedManifest = embedderState === undefined ? manifest : { ...manifest, embedder: { ...manifest.embedder, state: embedderState } };
      const served = releases?.length ? releasingOnClose(index, () => {
        retireDocumentTable(documents);
        for (const release of releases) release();
      }) : index;
      return bm25State === undefined ? { manifest: loadedManifest, index: served, documents } : { manifest: loadedManifest, index: served, documents, bm25State };
    } catch (error) {
      if (index === undefined) void vectors.then((loaded) => loaded.close(), () => {});
      if (releases !== undefined) {
        // Every pooled read settles first, so none still in flight keeps its buffer; nothing read from them escaped.
        await Promise.allSettled([documentsRead, bm25Read]);
        for (const release of releases) release();
      }
      throw error;
    }
  }

  async function latestVersion(): Promise<string | null> {
    const bytes = await store.get(LATEST_KEY);
    return bytes === null ? null : parseStored(LatestPointerSchema, bytes, 'indexes/latest').version;
  }

  async function setLatest(version: string): Promise<void> {
    if ((await readManifest(version)) === null) throw new AppError('not-found', { detail: `index version ${version} does not exist` });
    await store.put(LATEST_KEY, encodeJson({ version }), { contentType: 'application/json' });
  }

  async function listManifests(): Promise<IndexManifest[]> {
    const versions = (await store.list(PREFIX))
      .map((key) => /^indexes\/([0-9a-f]{16})\/manifest\.json$/.exec(key)?.[1])
      .filter((version): version is string => version !== undefined);
    const manifests = await Promise.all(versions.map(readManifest));
    return manifests
      .filter((manifest): manifest is IndexManifest => manifest !== null)
      .sort((a, b) => a.created.localeCompare(b.created) || a.version.localeCompare(b.version));
  }

  return {
    async save(built, saveOptions = {}) {
      const manifest = IndexManifestSchema.parse(built.manifest);
      const paths = keys(manifest.version, manifest.layout);
      const existing = await readManifest(manifest.version).catch(() => null);
      const unchanged =
        existing !== null &&
        existing.checksums.index === manifest.checksums.index &&
        existing.checksums.documents === manifest.checksums.documents &&
        existing.checksums.bm25 === manifest.checksums.bm25 &&
        existing.checksums.embedder === manifest.checksums.embedder;
      if (!unchanged) {
        await store.put(paths.index, built.indexBytes, { contentType: 'application/octet-stream' });
        const contentType = manifest.layout === undefined ? 'application/json' : 'application/octet-stream';
        await store.put(paths.documents, built.documentsBytes, { contentType });
        if (built.bm25Bytes) await store.put(paths.bm25, built.bm25Bytes, { contentType });
        if (manifest.checksums.embedder !== undefined) {
          if (!built.embedderBytes) throw new AppError('internal', { detail: `index ${manifest.version} has an embedder checksum but no embedder.bin to store` });
          await store.put(paths.embedder, built.embedderBytes, { contentType: 'application/octet-stream' });
        }
        await store.put(paths.manifest, encodeJson(storedManifest(manifest), 2), { contentType: 'application/json' });
      }
      if (saveOptions.setLatest !== false) await store.put(LATEST_KEY, encodeJson({ version: manifest.version }), { contentType: 'application/json' });
      return existing !== null && unchanged ? existing : manifest;
    },
    load,
    async loadLatest() {
      const version = await latestVersion();
      return version === null ? null : load(version);
    },
    latestVersion,
    setLatest,
    async listVersions() {
      return (await listManifests()).map((manifest) => manifest.version);
    },
    listManifests,
    async deleteVersion(version) {
      const paths = keys(checkedVersion(version));
      if ((await latestVersion()) === version) {
        throw new AppError('live-index-version', { detail: `index version ${version} is live; activate another version first` });
      }
      const stored = await store.list(`${PREFIX}${version}/`);
      const ordered = [...stored.filter((key) => key === paths.manifest), ...stored.filter((key) => key !== paths.manifest)];
      for (const key of ordered) await store.delete(key);
      return ordered.length;
    },
  };
}

/** The manifest as stored: with its embedder state in `embedder.bin` (binary-v2), without it. */
function storedManifest(manifest: IndexManifest): IndexManifest {
  if (manifest.checksums.embedder === undefined) return manifest;
  const { state: _state, ...embedder } = manifest.embedder;
  return { ...manifest, embedder };
}

/** `embedder.bin`: the one embedder with stored state is the lexical one (`checked`: its O(n) checks ran where it was read). */
function readEmbedderState(manifest: IndexManifest, bytes: Uint8Array, file: string, checked: boolean): unknown {
  if (manifest.embedder.id !== LEXICAL_EMBEDDER_ID) throw corruptIndexFile(`${file} is stored for ${manifest.embedder.id}, which keeps no state`);
  return decodeLexicalState(bytes, file, { checked });
}

function checkedVersion(version: string): string {
  if (!IndexVersionSchema.safeParse(version).success) {
    throw new AppError('validation-failed', { detail: `invalid index version "${version}"` });
  }
  return version;
}

function parseStored<T>(schema: z.ZodType<T>, bytes: Uint8Array, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw corruptIndexFile(`${what} is not valid JSON`, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw corruptIndexFile(`${what} is invalid: ${parsed.error.message}`, parsed.error);
  return parsed.data;
}

/** Rows per JSON.parse call when the documents table is read in slices. */
const ROWS_PER_SLICE = 2_000;
/**
 * Where one row of the table ends and the next begins, as build-index writes it
 * (`JSON.stringify` of `{ id, title, text, url? }` rows). A `"` inside a JSON string is always
 * escaped, so this sequence can only occur between rows.
 */
const ROW_BOUNDARY = '},{"id":';

/**
 * The documents table: a JSON array of { id, title, text, url? }. A 100k-row table is ~70 MB of
 * JSON; one JSON.parse of it would block a serving instance's event loop for a few hundred ms,
 * so it is parsed in slices of rows with a yield between them (a table not in the writer's
 * layout is parsed in one go). Rows are checked with a plain loop rather than a zod array
 * schema, ~10× faster at this size.
 */
async function parseDocumentsTable(bytes: Uint8Array, what: string): Promise<KnowledgeDocument[]> {
  const text = new TextDecoder().decode(bytes);
  let rows: unknown[];
  if (text.startsWith('[{"id":') && text.endsWith('}]')) {
    rows = [];
    let start = 1;
    while (start < text.length - 1) {
      let end = start;
      for (let row = 0; row < ROWS_PER_SLICE; row++) {
        const next = text.indexOf(ROW_BOUNDARY, end + 1);
        if (next === -1) {
          end = text.length - 1;
          break;
        }
        end = next + 1;
      }
      const slice = parseJson(`[${text.slice(start, end)}]`, what);
      if (!Array.isArray(slice)) throw corruptIndexFile(`${what} is not an array`);
      for (const row of slice) rows.push(row);
      start = end + 1;
      if (start < text.length - 1) await yieldToEventLoop();
    }
  } else {
    const parsed = parseJson(text, what);
    if (!Array.isArray(parsed)) throw corruptIndexFile(`${what} is not an array`);
    rows = parsed;
  }
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown> | null;
    if (
      typeof row !== 'object' ||
      row === null ||
      typeof row.id !== 'string' ||
      typeof row.title !== 'string' ||
      typeof row.text !== 'string' ||
      (row.url !== undefined && typeof row.url !== 'string')
    ) {
      throw corruptIndexFile(`${what} is invalid: row ${i} is not { id, title, text, url? } with string values`);
    }
  }
  return rows as KnowledgeDocument[];
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw corruptIndexFile(`${what} is not valid JSON`, error);
  }
}


function encodeJson(value: unknown, indent?: number): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, indent));
}
