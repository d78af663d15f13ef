import { z } from 'zod';
import { AppError } from '../../shared/errors/app-error.ts';
import { readFlatIpHeader } from '../index/faiss-flat-bytes.ts';
import { loadIndex } from '../index/load-index.ts';
import { readDocumentTable } from '../indexing/document-table-bytes.ts';
import { IndexVersionSchema } from '../indexing/index-manifest.ts';
import { getHashedObject } from '../indexing/sha256.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import { readBm25Postings } from '../retrieval/bm25-postings.ts';
import type { BuiltDelta } from './build-delta.ts';
import type { DeltaSegment } from './segment.ts';
import { DeltaManifestSchema, SegmentedVersionSchema, TombstonesSchema, type DeltaManifest, type SegmentedVersion } from './segment-manifest.ts';
import { corruptIndexFile } from '../indexing/corrupt-index-file.ts';

const DELTAS = 'segments/deltas/';
const LatestSchema = z.object({ version: IndexVersionSchema });
const VERSIONS = 'segments/versions/';
/** The live pointer of segmented serving: `{ "version": "<base or segmented version>" }`. */
const LATEST = 'segments/latest';

/** Object keys of a delta's files. */
function deltaKeys(id: string) {
  const folder = `${DELTAS}${checkedVersion(id)}/`;
  return {
    manifest: `${folder}delta.json`,
    documents: `${folder}documents.bin`,
    index: `${folder}index.faiss`,
    bm25: `${folder}bm25.bin`,
    tombstones: `${folder}tombstones.json`,
  };
}

/** How errors name a delta's file: `documents.bin of delta <id>`. */
function fileName(key: string): string {
  const parts = key.split('/');
  return parts[1] === 'versions' ? key : `${parts[3]} of delta ${parts[2]}`;
}

/**
 * Stores a delta and the version manifest that publishes it: the delta's files, then
 * `delta.json`, then `segments/versions/<version>.json`, so nothing ever names a file not yet
 * written. Immutable: a delta id and version id are hashes of their contents, so a retry writes
 * the same bytes. Moving a live pointer is the caller's step.
 */
export async function saveDelta(store: ObjectStore, built: BuiltDelta): Promise<void> {
  const keys = deltaKeys(built.manifest.id);
  const binary = { contentType: 'application/octet-stream' };
  const json = { contentType: 'application/json' };
  if (built.files.documents) await store.put(keys.documents, built.files.documents, binary);
  if (built.files.index) await store.put(keys.index, built.files.index, binary);
  if (built.files.bm25) await store.put(keys.bm25, built.files.bm25, binary);
  await store.put(keys.tombstones, built.files.tombstones, json);
  await store.put(keys.manifest, encodeJson(DeltaManifestSchema.parse(built.manifest)), json);
  await store.put(versionKey(built.version.version), encodeJson(SegmentedVersionSchema.parse(built.version)), json);
}

function versionKey(version: string): string {
  return `${VERSIONS}${checkedVersion(version)}.json`;
}

/** A segmented version's manifest, or null when `version` is not one (it may be an ordinary version: a base alone). */
export async function readSegmentedVersion(store: ObjectStore, version: string): Promise<SegmentedVersion | null> {
  const key = versionKey(version);
  const bytes = await store.get(key);
  if (bytes === null) return null;
  const manifest = parseStored(SegmentedVersionSchema, bytes, key);
  if (manifest.version !== version) throw corruptIndexFile(`${key} describes version ${manifest.version}`);
  return manifest;
}

/** Ids of the stored segmented versions (their manifests under `segments/versions/`), unordered. */
export async function listSegmentedVersionIds(store: ObjectStore): Promise<string[]> {
  return (await store.list(VERSIONS)).map((key) => /^segments\/versions\/([0-9a-f]{16})\.json$/.exec(key)?.[1]).filter((id): id is string => id !== undefined);
}

/** Deletes a segmented version's manifest (its deltas may serve other versions: cleanup decides). Returns the objects deleted. */
export async function deleteSegmentedVersion(store: ObjectStore, version: string): Promise<number> {
  const key = versionKey(version);
  if (!(await store.exists(key))) return 0;
  await store.delete(key);
  return 1;
}

/** Stored deltas: id and the creation time `delta.json` records (null when it is missing or unreadable: a delta still being written, or debris). */
export async function listDeltas(store: ObjectStore): Promise<{ id: string; created: string | null }[]> {
  const ids = new Set((await store.list(DELTAS)).map((key) => /^segments\/deltas\/([0-9a-f]{16})\//.exec(key)?.[1]).filter((id): id is string => id !== undefined));
  return Promise.all(
    [...ids].map(async (id) => {
      const bytes = await store.get(deltaKeys(id).manifest);
      const parsed = bytes === null ? null : DeltaManifestSchema.safeParse(safeJson(bytes));
      return { id, created: parsed?.success ? parsed.data.created : null };
    }),
  );
}

/** Deletes every file of a delta, `delta.json` first (so it is no longer loadable even if a later delete fails). Returns the objects deleted. */
export async function deleteDelta(store: ObjectStore, id: string): Promise<number> {
  const keys = deltaKeys(id);
  const stored = await store.list(`${DELTAS}${id}/`);
  const ordered = [...stored.filter((key) => key === keys.manifest), ...stored.filter((key) => key !== keys.manifest)];
  for (const key of ordered) await store.delete(key);
  return ordered.length;
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    // Unreadable: reported as a delta without a creation time.
    return null;
  }
}

/** Moves the segmented live pointer (publish, or roll back) to a stored version: a base or a segmented one. */
export async function setSegmentedLatest(store: ObjectStore, version: string): Promise<void> {
  await store.put(LATEST, encodeJson({ version: checkedVersion(version) }), { contentType: 'application/json' });
}

/** The version the segmented live pointer names, or null when none was set. */
export async function readSegmentedLatest(store: ObjectStore): Promise<string | null> {
  const bytes = await store.get(LATEST);
  return bytes === null ? null : parseStored(LatestSchema, bytes, LATEST).version;
}

export interface ReadDeltaOptions {
  /** Turns a delta's verified index.faiss into a searchable index (default: in-thread FAISS). */
  loadVectors?: (bytes: Uint8Array) => VectorIndex | Promise<VectorIndex>;
}

/**
 * Downloads one delta, checks every file against the checksum in `delta.json` and its structure
 * (documents table, postings, FAISS header against the manifest's count and dimension,
 * tombstones), and loads it. AppError 'not-found' when the delta does not exist, 'index-corrupt'
 * naming the file when one is missing, malformed, truncated or tampered with.
 */
export async function readDelta(store: ObjectStore, id: string, options: ReadDeltaOptions = {}): Promise<DeltaSegment> {
  const keys = deltaKeys(id);
  const manifestBytes = await store.get(keys.manifest);
  if (manifestBytes === null) throw new AppError('not-found', { detail: `delta ${id} does not exist (no ${fileName(keys.manifest)})` });
  const manifest = parseStored(DeltaManifestSchema, manifestBytes, fileName(keys.manifest));
  if (manifest.id !== id) throw corruptIndexFile(`${fileName(keys.manifest)} describes delta ${manifest.id}`);
  const adds = manifest.count > 0;
  const { checksums } = manifest;
  if (adds !== (checksums.documents !== undefined) || adds !== (checksums.index !== undefined) || adds !== (checksums.bm25 !== undefined)) {
    throw corruptIndexFile(`${fileName(keys.manifest)} lists files that do not match its ${manifest.count} added documents`);
  }
  const [tombstonesBytes, documentsBytes, indexBytes, bm25Bytes] = await Promise.all([
    verified(store, keys.tombstones, checksums.tombstones),
    adds ? verified(store, keys.documents, checksums.documents!) : null,
    adds ? verified(store, keys.index, checksums.index!) : null,
    adds ? verified(store, keys.bm25, checksums.bm25!) : null,
  ]);
  const tombstones = parseStored(TombstonesSchema, tombstonesBytes, fileName(keys.tombstones)).tombstones;
  if (tombstones.length !== manifest.tombstones) throw corruptIndexFile(`${fileName(keys.tombstones)} holds ${tombstones.length} tombstones, ${fileName(keys.manifest)} says ${manifest.tombstones}`);
  if (!adds) return { id, documents: [], index: null, postings: null, lengthNorms: null, manifest, tombstones };

  const documents = await readDocumentTable(documentsBytes!, fileName(keys.documents));
  if (documents.length !== manifest.count) throw corruptIndexFile(`${fileName(keys.documents)} holds ${documents.length} documents, ${fileName(keys.manifest)} says ${manifest.count}`);
  const postings = await readBm25Postings(bm25Bytes!, fileName(keys.bm25));
  const { bm25 } = manifest;
  if (postings.documentCount !== manifest.count || postings.lengthNorms === undefined || postings.k1 !== bm25.k1 || postings.b !== bm25.b || postings.titleBoost !== bm25.titleBoost) {
    throw corruptIndexFile(`${fileName(keys.bm25)} does not hold the ${manifest.count} documents and BM25 parameters of ${fileName(keys.manifest)}`);
  }
  let header: { dimension: number; count: number };
  try {
    header = readFlatIpHeader(indexBytes!);
  } catch (error) {
    throw corruptIndexFile(`${fileName(keys.index)} is not a valid Flat index: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (header.count !== manifest.count || header.dimension !== manifest.dimension) {
    throw corruptIndexFile(`${fileName(keys.index)} holds ${header.count}×${header.dimension}, ${fileName(keys.manifest)} says ${manifest.count}×${manifest.dimension}`);
  }
  const index = await (options.loadVectors ?? loadIndex)(indexBytes!);
  return { id, documents, index, postings, lengthNorms: postings.lengthNorms, manifest, tombstones };
}

async function verified(store: ObjectStore, key: string, checksum: string): Promise<Uint8Array> {
  const downloaded = await getHashedObject(store, key);
  if (downloaded === null) throw corruptIndexFile(`${fileName(key)} is missing`);
  if (downloaded.sha256 !== checksum) throw corruptIndexFile(`${fileName(key)} does not match its checksum`);
  return downloaded.bytes;
}

function parseStored<T>(schema: z.ZodType<T>, bytes: Uint8Array, file: string): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw corruptIndexFile(`${file} is not valid JSON`, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw corruptIndexFile(`${file} is invalid: ${parsed.error.message}`, parsed.error);
  return parsed.data;
}

function checkedVersion(version: string): string {
  // Delta ids have the same form as version ids.
  if (!IndexVersionSchema.safeParse(version).success) throw new AppError('validation-failed', { detail: `invalid index version or delta id "${version}"` });
  return version;
}


function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2));
}
