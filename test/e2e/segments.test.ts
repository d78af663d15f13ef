import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lexicalEmbedderFromManifest } from '../../core/embedding/lexical-embedder-state.ts';
import { createIndexRepository } from '../../core/indexing/index-repository.ts';
import { indexSwapChannel } from '../../core/jobs/swap-message.ts';
import type { ObjectStore } from '../../core/ports/object-store.ts';
import { buildDelta } from '../../core/segments/build-delta.ts';
import { createSegmentLoader } from '../../core/segments/segment-loader.ts';
import { readSegmentedLatest, saveDelta } from '../../core/segments/segment-store.ts';
import { createS3ObjectStore } from '../../core/storage/s3-object-store.ts';
import { CORPUS, removeRedisKeys, SHARED_REDIS_URL } from '../core/jobs/job-system-harness.ts';
import { startS3rver, type RunningS3rver } from '../core/storage/s3rver-server.ts';
import {
  allServeNewVersion,
  dropSchema,
  eventually,
  passwordToken,
  servedVersion,
  startClusterCore,
  whileTrafficFlows,
  TEST_DATABASE_URL,
  writeCorpus,
  type ClusterCore,
} from './indexing-cluster.ts';

/**
 * Segments through the real service (INDEX_SEGMENTS=on, docs/segments.md): a worker-mode core
 * (BullMQ) and two API-mode cores sharing Postgres, Redis (queues, swap channel) and an S3 bucket
 * (s3rver). Documents uploaded with POST /admin/documents are published as delta segments by the
 * sync job and loaded by both API instances without a full build; updates win, deletes vanish,
 * rollback across segments serves the old text, a tampered delta file is refused naming it.
 */
const BASE_DOCUMENTS = 55;

interface Source {
  id: string;
  title: string;
  excerpt: string;
}

function note(id: string, token: string, words: string) {
  return { id, title: `Escrow cushion note ${token}`, text: `The ${token} rule: ${words} Lenders recompute the escrow cushion for a mortgage every year and refund any surplus.` };
}

describe('segments through the API: uploads become deltas that every instance serves', () => {
  let dir: string;
  let s3: RunningS3rver;
  let prefix: string;
  let schema: string;
  let store: ObjectStore;
  let worker: ClusterCore;
  let apis: ClusterCore[] = [];
  let token: string;
  const started: ClusterCore[] = [];
  const versions: Record<string, string | null> = {};

  const adminCall = (core: ClusterCore, route: string, init: RequestInit = {}) =>
    fetch(`${core.url}${route}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  const ask = async (core: ClusterCore, query: string): Promise<{ indexVersion: string; sources: Source[] }> => {
    const response = await fetch(`${core.url}/v1/advice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as { indexVersion: string; sources: Source[] };
  };
  const runs = async () => new Set((await store.list('batches/')).map((key) => key.split('/')[1]));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'apfa-e2e-segments-'));
    s3 = await startS3rver();
    const id = randomBytes(4).toString('hex');
    prefix = `test:e2e-seg-${id}:`;
    schema = `e2e_segments_${id}`;
    const bucket = `e2e-seg-${id}`;
    const corpusPath = path.join(dir, 'corpus.jsonl');
    await writeCorpus(corpusPath, CORPUS, []);
    const env: Record<string, string> = {
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: SHARED_REDIS_URL,
      KEY_PREFIX: prefix,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_CREATE_BUCKET: 'true',
      S3_TIMEOUT_MS: '3000',
      DOCUMENT_SOURCE: JSON.stringify({ kind: 'jsonl', path: corpusPath, name: 'corpus' }),
      EMBEDDER: 'lexical',
      INDEX_POLL_SECONDS: '0.5',
      JOB_BACKOFF_MS: '100',
      SCHEDULE_RESYNC: 'off',
      SCHEDULE_CLEANUP: 'off',
      SCHEDULE_STATS: 'off',
      HISTORY_RETENTION_DAYS: '0',
      LOG_LEVEL: 'silent',
      INDEX_SEGMENTS: 'on',
      // The demo corpus has 55 documents: a change of a few is more than the default 5 %.
      INDEX_SEGMENTS_MAX_CHANGE: '0.2',
      // No merge until the test asks for a rebuild.
      INDEX_SEGMENTS_MERGE_DELTAS: '50',
      INDEX_SEGMENTS_MERGE_TOMBSTONES: '1',
    };
    store = createS3ObjectStore(s3.config(bucket));
    for (let i = 0; i < 2; i++) {
      const api = await startClusterCore(env, 'api');
      started.push(api);
      apis.push(api);
    }
    worker = await startClusterCore(env, 'worker');
    started.push(worker);
    token = await passwordToken(apis[0]!);
  }, 60_000);

  afterAll(async () => {
    for (const core of started.reverse()) await core.stop().catch(() => {});
    await removeRedisKeys(SHARED_REDIS_URL, prefix).catch(() => {});
    await dropSchema(schema).catch(() => {});
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploading three documents publishes a delta (no full build) that both instances answer from, under traffic without a failed request', async () => {
    const base = await allServeNewVersion(apis, null);
    versions.base = base;
    const buildRuns = await runs();
    // Paced as in hot-swap.test.ts: the instances share this test's event loop with the worker.
    const report = await whileTrafficFlows(apis, token, { clients: 1, pauseMs: 40 }, async () => {
      const upload = await adminCall(apis[0]!, '/admin/documents', {
        method: 'POST',
        body: JSON.stringify({
          documents: [
            note('seg-note-1', 'quillfeather', 'the first revision says the cushion is two months.'),
            note('seg-note-2', 'marbleglade', 'a shortage is spread over twelve payments.'),
            note('seg-note-3', 'thistlewick', 'a surplus above fifty dollars is refunded.'),
          ],
        }),
      });
      expect(upload.status, await upload.clone().text()).toBe(200);
      versions.added = await allServeNewVersion(apis, base, 60_000);
    });
    expect(report.failures).toEqual([]);
    // A delta, not a build: no new run, a segmented live pointer naming base + one delta.
    expect(await runs()).toEqual(buildRuns);
    expect(await readSegmentedLatest(store)).toBe(versions.added);
    const listing = (await (await adminCall(apis[1]!, '/admin/index/versions')).json()) as { live: string; versions: Array<{ version: string; kind: string; live: boolean; manifest: { deltas?: string[]; base?: { version: string }; documents?: number } }> };
    expect(listing.live).toBe(versions.added);
    const added = listing.versions.find((entry) => entry.version === versions.added)!;
    expect(added).toMatchObject({ kind: 'segmented', live: true, manifest: { base: { version: versions.base }, documents: BASE_DOCUMENTS + 3 } });
    expect(added.manifest.deltas).toHaveLength(1);
    expect(listing.versions.find((entry) => entry.version === versions.base)?.kind).toBe('base');
    // Stats measure the live chain: its live documents, its base's kind.
    const status = (await (await adminCall(apis[1]!, '/admin/index')).json()) as { live: string; stats: { version: string; vectors: number; indexKind: string } };
    expect(status.stats).toMatchObject({ version: versions.added, vectors: BASE_DOCUMENTS + 3, indexKind: 'Flat' });
    for (const api of apis) {
      const answer = await ask(api, 'What does the quillfeather rule say about the escrow cushion?');
      expect(answer.indexVersion).toBe(versions.added);
      expect(answer.sources[0]).toMatchObject({ id: 'seg-note-1' });
      expect(answer.sources[0]!.excerpt).toContain('two months');
    }
  }, 120_000);

  it("an updated document's new text wins and a deleted one never appears", async () => {
    const update = await adminCall(apis[1]!, '/admin/documents', {
      method: 'POST',
      body: JSON.stringify({ documents: [note('seg-note-1', 'quillfeather', 'the second revision says the cushion is one sixth of the yearly total.')] }),
    });
    expect(update.status).toBe(200);
    versions.updated = await allServeNewVersion(apis, versions.added ?? null, 30_000);
    for (const api of apis) {
      const answer = await ask(api, 'What does the quillfeather rule say about the escrow cushion?');
      const notes = answer.sources.filter((source) => source.id === 'seg-note-1');
      expect(notes).toHaveLength(1);
      expect(notes[0]!.excerpt).toContain('one sixth');
      expect(answer.sources.some((source) => source.excerpt.includes('two months'))).toBe(false);
    }

    const removal = await adminCall(apis[0]!, '/admin/documents/seg-note-2', { method: 'DELETE' });
    expect(removal.status).toBe(200);
    versions.deleted = await allServeNewVersion(apis, versions.updated, 30_000);
    for (const api of apis) {
      const answer = await ask(api, 'What does the marbleglade rule say about an escrow shortage?');
      expect(answer.indexVersion).toBe(versions.deleted);
      expect(answer.sources.map((source) => source.id)).not.toContain('seg-note-2');
      expect(answer.sources.some((source) => source.excerpt.includes('marbleglade'))).toBe(false);
    }
  }, 60_000);

  it('rolling back to the version before the update serves the old text on every instance, and rolling forward serves the new', async () => {
    const rollback = await adminCall(apis[0]!, `/admin/index/versions/${versions.added}/activate`, { method: 'POST' });
    expect(rollback.status, await rollback.clone().text()).toBe(200);
    expect(await rollback.json()).toMatchObject({ version: versions.added, previous: versions.deleted });
    await eventually(async () => ((await Promise.all(apis.map(servedVersion))).every((version) => version === versions.added) ? true : null), 'both instances on the rolled-back version');
    for (const api of apis) {
      const answer = await ask(api, 'What does the quillfeather rule say about the escrow cushion?');
      expect(answer.sources.find((source) => source.id === 'seg-note-1')?.excerpt).toContain('two months');
      expect((await ask(api, 'What does the marbleglade rule say about an escrow shortage?')).sources.map((source) => source.id)).toContain('seg-note-2');
    }
    const forward = await adminCall(apis[1]!, `/admin/index/versions/${versions.deleted}/activate`, { method: 'POST' });
    expect(forward.status).toBe(200);
    await eventually(async () => ((await Promise.all(apis.map(servedVersion))).every((version) => version === versions.deleted) ? true : null), 'both instances back on the latest version');
    expect((await ask(apis[0]!, 'What does the quillfeather rule say about the escrow cushion?')).sources.find((source) => source.id === 'seg-note-1')?.excerpt).toContain('one sixth');
  }, 60_000);

  it('unknown and malformed version ids are problems (404, 422)', async () => {
    const unknown = await adminCall(apis[0]!, '/admin/index/versions/0123456789abcdef/activate', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const malformed = await adminCall(apis[0]!, '/admin/index/versions/not-a-version/activate', { method: 'POST' });
    expect(malformed.status).toBe(422);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
  });

  it('a version whose delta file was tampered with is refused naming the file, and every instance keeps serving the live version', async () => {
    // A delta stored by hand on the live chain, then one byte of its documents table changed.
    const loader = createSegmentLoader({ store, repository: createIndexRepository(store, { deferVectors: () => true }) });
    const loaded = await loader.load(versions.deleted ?? '');
    const built = await buildDelta({
      chain: loaded.chain,
      changes: { upserts: [note('seg-note-9', 'cobblewren', 'a tampered delta must never be served.')], deletes: [] },
      embedder: lexicalEmbedderFromManifest(loaded.chain.base.loaded.manifest),
    });
    loaded.close();
    await saveDelta(store, built);
    const key = `segments/deltas/${built.manifest.id}/documents.bin`;
    const bytes = (await store.get(key))!;
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff;
    await store.put(key, bytes);
    const tampered = built.version.version;

    const refused = await adminCall(apis[0]!, `/admin/index/versions/${tampered}/activate`, { method: 'POST' });
    // The request is fine; the version it names cannot be served: 409 index-corrupt, naming the file.
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await refused.json()) as { type: string; detail: string };
    expect(problem.type).toBe('/problems/index-corrupt');
    expect(problem.detail).toContain(`documents.bin of delta ${built.manifest.id}`);
    expect(await readSegmentedLatest(store)).toBe(versions.deleted);
    // Announced to every instance directly: each refuses it and keeps the live version.
    for (const api of apis) api.errors.length = 0;
    const publisher = new Redis(SHARED_REDIS_URL);
    try {
      await publisher.publish(indexSwapChannel(prefix), tampered);
    } finally {
      publisher.disconnect();
    }
    for (const api of apis) {
      await eventually(async () => (api.errors.some((line) => line.msg === 'index swap failed; keeping the current index' && line.version === tampered) ? true : null), 'the refused swap to be reported');
      expect(await servedVersion(api)).toBe(versions.deleted);
      expect((await ask(api, 'What does the quillfeather rule say about the escrow cushion?')).indexVersion).toBe(versions.deleted);
    }
  }, 60_000);

  it('a full rebuild (the merge) publishes a new base holding exactly the live documents, and the segmented versions stay listed for rollback', async () => {
    const build = await adminCall(apis[0]!, '/admin/index/build', { method: 'POST' });
    expect(build.status).toBe(202);
    versions.merged = await allServeNewVersion(apis, versions.deleted ?? null, 30_000);
    const listing = (await (await adminCall(apis[0]!, '/admin/index/versions')).json()) as { versions: Array<{ version: string; kind: string; manifest: { count?: number } }> };
    expect(listing.versions.find((entry) => entry.version === versions.merged)).toMatchObject({ kind: 'base', manifest: { count: BASE_DOCUMENTS + 2 } });
    expect(listing.versions.find((entry) => entry.version === versions.added)?.kind).toBe('segmented');
    const answer = await ask(apis[1]!, 'What does the quillfeather rule say about the escrow cushion?');
    expect(answer.indexVersion).toBe(versions.merged);
    expect(answer.sources.find((source) => source.id === 'seg-note-1')?.excerpt).toContain('one sixth');
    expect((await ask(apis[1]!, 'What does the marbleglade rule say about an escrow shortage?')).sources.map((source) => source.id)).not.toContain('seg-note-2');
  }, 60_000);
});
