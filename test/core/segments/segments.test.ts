import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import type { LexicalEmbedder } from '../../../core/embedding/lexical-embedder.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { createIndexRepository, type IndexRepository } from '../../../core/indexing/index-repository.ts';
import type { KnowledgeDocument } from '../../../core/ports/document.ts';
import type { ObjectStore } from '../../../core/ports/object-store.ts';
import { Bm25Retriever } from '../../../core/retrieval/bm25-retriever.ts';
import { createRetriever } from '../../../core/retrieval/create-retriever.ts';
import { buildDelta, type ChangeSet } from '../../../core/segments/build-delta.ts';
import { mergeSegments } from '../../../core/segments/merge-segments.ts';
import { createSegmentLoader, type LoadedChain, type SegmentLoader } from '../../../core/segments/segment-loader.ts';
import { readSegmentedLatest, saveDelta, setSegmentedLatest } from '../../../core/segments/segment-store.ts';
import { servingIndexOfChain } from '../../../core/segments/segmented-serving.ts';
import { createLiveIndex } from '../../../core/advice/live-index.ts';
import { createSegmentedRetriever } from '../../../core/segments/segmented-retriever.ts';
import type { SegmentChain } from '../../../core/segments/segment-chain.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { LOAN_DOCUMENTS } from '../indexing/loan-documents.ts';

const fixedNow = () => new Date('2024-05-01T12:00:00.000Z');

/** The real local-folder store, recording the keys read (to see what a load downloads). */
function recording(store: ObjectStore): ObjectStore & { reads: string[] } {
  const reads: string[] = [];
  return {
    kind: store.kind,
    reads,
    put: (key, body, options) => store.put(key, body, options),
    get: (key) => {
      reads.push(key);
      return store.get(key);
    },
    exists: (key) => store.exists(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
  };
}

describe('segments: base + delta search, merge, rollback, refused files', () => {
  let root: string;
  let store: ReturnType<typeof recording>;
  let repository: IndexRepository;
  let loader: SegmentLoader;
  let embedder: LexicalEmbedder;
  let baseVersion: string;
  const open: LoadedChain[] = [];

  const load = async (version: string) => {
    const loaded = await loader.load(version);
    open.push(loaded);
    return loaded;
  };
  /** Publishes a change on top of `chain` and returns the new version id. */
  const publish = async (chain: SegmentChain, changes: ChangeSet) => {
    const built = await buildDelta({ chain, changes, embedder, now: fixedNow });
    await saveDelta(store, built);
    return built;
  };
  const bm25Ids = async (chain: SegmentChain, query: string, k = 50) =>
    (await createSegmentedRetriever(chain, { mode: 'bm25' }).retrieve(query, k)).map((hit) => chain.documents[hit.label]!.id);
  const denseIds = async (chain: SegmentChain, query: string, k = 50) =>
    (await createSegmentedRetriever(chain, { mode: 'dense', embedder }).retrieve(query, k)).map((hit) => chain.documents[hit.label]!.id);

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'h6seg-'));
    store = recording(new LocalFolderObjectStore(root));
    repository = createIndexRepository(store);
    loader = createSegmentLoader({ store, repository });
    embedder = fitLexicalEmbedder(LOAN_DOCUMENTS);
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder, sourceName: 'test', now: fixedNow });
    built.index.close();
    baseVersion = (await repository.save(built)).version;
  });
  afterEach(async () => {
    for (const loaded of open.splice(0)) loaded.close();
    await rm(root, { recursive: true, force: true });
  });

  it('scores a base alone exactly as the base version BM25 does', async () => {
    const { chain } = await load(baseVersion);
    const plain = Bm25Retriever.fromJSON(chain.base.loaded.bm25State);
    for (const query of ['FHA down payment credit score', 'refinance closing costs', 'mortgage insurance cancel 80%']) {
      expect(await createSegmentedRetriever(chain, { mode: 'bm25' }).retrieve(query, 10)).toEqual(plain.search(query, 10));
    }
    // …and weighs the situation beside an asked sentence the same way.
    const query = 'We paid closing costs last year. How does an FHA down payment work?';
    const asked = 'How does an FHA down payment work?';
    expect(await createSegmentedRetriever(chain, { mode: 'bm25' }).retrieve(query, 10, { asked })).toEqual(plain.search(query, 10, asked));
    expect(plain.search(query, 10, asked)).not.toEqual(plain.search(query, 10));
  });

  it('an updated document answers with its new text; its old row never appears', async () => {
    const { chain } = await load(baseVersion);
    expect((await bm25Ids(chain, 'Federal Housing Administration'))[0]).toBe('fha-basics');
    const updated: KnowledgeDocument = { id: 'fha-basics', title: 'FHA loan down payment', text: 'FHA loans now need a zebracorn deposit of 7% for every borrower.' };
    const built = await publish(chain, { upserts: [updated], deletes: [] });
    expect(built.manifest.tombstones).toBe(1);
    expect(built.version.documents).toBe(20);

    const next = (await load(built.version.version)).chain;
    const hits = await createSegmentedRetriever(next, { mode: 'bm25' }).retrieve('zebracorn deposit', 5);
    expect(next.documents[hits[0]!.label]!.text).toContain('zebracorn');
    // The old text is searched for: the tombstoned base row never comes back, under any mode.
    for (const ids of [await bm25Ids(next, 'Federal Housing Administration 580 3.5%'), await denseIds(next, 'Federal Housing Administration 580 3.5%')]) {
      expect(ids.filter((id) => id === 'fha-basics').length).toBeLessThanOrEqual(1);
    }
    const labels = (await createSegmentedRetriever(next, { mode: 'hybrid', embedder }).retrieve('FHA Federal Housing Administration', 50)).map((hit) => hit.label);
    const baseRow = LOAN_DOCUMENTS.findIndex((document) => document.id === 'fha-basics');
    expect(labels).not.toContain(baseRow);
    for (const label of labels) expect(next.isTombstoned(label)).toBe(false);
  });

  it('a deleted document never appears, under BM25, dense or hybrid', async () => {
    const { chain } = await load(baseVersion);
    const built = await publish(chain, { upserts: [], deletes: ['heloc', 'no-such-document'] });
    expect(built.unknownDeletes).toEqual(['no-such-document']);
    expect(built.files.documents).toBeUndefined();
    const next = (await load(built.version.version)).chain;
    expect(next.liveCount).toBe(19);
    expect(await bm25Ids(next, 'HELOC home equity line of credit revolving')).not.toContain('heloc');
    expect(await denseIds(next, 'HELOC home equity line of credit revolving')).not.toContain('heloc');
    expect(await denseIds(next, 'HELOC home equity line of credit revolving')).toHaveLength(19);
    const hybrid = await createSegmentedRetriever(next, { mode: 'hybrid', embedder }).retrieve('HELOC home equity', 50);
    expect(hybrid.map((hit) => next.documents[hit.label]!.id)).not.toContain('heloc');
  });

  it('a delta on a delta: a document added then updated answers with its latest text', async () => {
    const first = await publish((await load(baseVersion)).chain, {
      upserts: [{ id: 'reverse', title: 'Reverse mortgages', text: 'A HECM reverse mortgage lets owners aged 62 borrow against equity, quokka rule one.' }],
      deletes: [],
    });
    const chain1 = (await load(first.version.version)).chain;
    expect((await bm25Ids(chain1, 'quokka'))[0]).toBe('reverse');
    const second = await publish(chain1, { upserts: [{ id: 'reverse', title: 'Reverse mortgages', text: 'A HECM reverse mortgage, wombat rule two.' }], deletes: [] });
    expect(second.version.parent).toBe(first.version.version);
    const chain2 = (await load(second.version.version)).chain;
    expect(await bm25Ids(chain2, 'quokka')).toEqual([]);
    expect(await bm25Ids(chain2, 'wombat')).toEqual(['reverse']);
    expect(chain2.documents.filter((document, label) => document.id === 'reverse' && !chain2.isTombstoned(label))).toHaveLength(1);
  });

  it('a merge gives the same version and the same top-k as a full rebuild of the live documents', async () => {
    const chain0 = (await load(baseVersion)).chain;
    const first = await publish(chain0, {
      upserts: [
        { id: 'pmi', title: 'Private mortgage insurance', text: 'PMI now cancels automatically at 78% loan-to-value on the original schedule.' },
        { id: 'reverse', title: 'Reverse mortgages', text: 'A HECM reverse mortgage lets owners aged 62 borrow against their home equity.' },
      ],
      deletes: ['jumbo'],
    });
    const chain1 = (await load(first.version.version)).chain;
    const second = await publish(chain1, { upserts: [{ id: 'escrow', title: 'Escrow accounts', text: 'Escrow pays property taxes and insurance; shortages are spread over 12 months.' }], deletes: ['points'] });
    const chain2 = (await load(second.version.version)).chain;

    const merged = await mergeSegments({ chain: chain2, embedder, sourceName: 'test', now: fixedNow });
    const live = chain2.liveDocuments().map(({ document }) => document);
    const rebuilt = await buildIndexVersion({
      documents: live.map(({ id, title, text, url }) => (url === undefined ? { id, title, text } : { id, title, text, url })),
      embedder,
      sourceName: 'test',
      now: fixedNow,
    });
    expect(merged.manifest.version).toBe(rebuilt.manifest.version);
    expect(merged.manifest.checksums).toEqual(rebuilt.manifest.checksums);
    expect(merged.manifest.count).toBe(19);
    const documents = rebuilt.manifest.count;
    expect(documents).toBe(19);

    await repository.save(merged, { setLatest: false });
    const mergedChain = (await load(merged.manifest.version)).chain;
    const rebuiltRetriever = createRetriever({ mode: 'bm25', documents: live, bm25State: JSON.parse(JSON.stringify(Bm25Retriever.build(live).toJSON())) });
    for (const query of ['PMI cancel loan-to-value', 'escrow taxes shortage', 'reverse mortgage HECM 62', 'jumbo conforming limits', 'discount points buy down rate']) {
      const fromMerge = await bm25Ids(mergedChain, query, 5);
      const fromRebuild = (await rebuiltRetriever.retrieve(query, 5)).map((hit) => live[hit.label]!.id);
      expect(fromMerge).toEqual(fromRebuild);
      // FAISS orders equal scores arbitrarily: rankings are compared as (score, id) lists over every document.
      const rebuiltDense = createRetriever({ mode: 'dense', embedder, index: rebuilt.index, documents: live });
      const denseRebuilt = canonical((await rebuiltDense.retrieve(query, 50)).map((hit) => ({ id: live[hit.label]!.id, score: hit.score })));
      const denseOf = async (chain: SegmentChain) =>
        canonical((await createSegmentedRetriever(chain, { mode: 'dense', embedder }).retrieve(query, 50)).map((hit) => ({ id: chain.documents[hit.label]!.id, score: hit.score })));
      expect(await denseOf(mergedChain)).toEqual(denseRebuilt);
      // Dense search is exact across segments: before the merge the chain ranks the same.
      expect(await denseOf(chain2)).toEqual(denseRebuilt);
    }
    rebuilt.index.close();
    merged.index.close();
  });

  it('rolls back across segments: the version before the delta answers with the old text again', async () => {
    const before = await load(baseVersion);
    const built = await publish(before.chain, { upserts: [{ id: 'dti', title: 'Debt-to-income ratio', text: 'Lenders now cap DTI at 50% for aardvark borrowers.' }], deletes: ['va-basics'] });
    const after = await load(built.version.version);
    expect(await bm25Ids(after.chain, 'aardvark')).toEqual(['dti']);
    expect(await bm25Ids(after.chain, 'Veterans Affairs')).not.toContain('va-basics');
    after.close();
    before.close();
    expect(loader.held()).toEqual([]);

    const rolledBack = (await load(baseVersion)).chain;
    expect(await bm25Ids(rolledBack, 'aardvark')).toEqual([]);
    expect((await bm25Ids(rolledBack, 'Veterans Affairs'))[0]).toBe('va-basics');
    const dti = rolledBack.documents[(await createSegmentedRetriever(rolledBack, { mode: 'bm25' }).retrieve('gross monthly income 36%', 1))[0]!.label]!;
    expect(dti.id).toBe('dti');
    expect(dti.text).toContain('36% or less');
    // And forward again: the segmented version is still stored and loads.
    expect(await bm25Ids((await load(built.version.version)).chain, 'aardvark')).toEqual(['dti']);
  });

  it('loads only the delta when the base is already held', async () => {
    const before = await load(baseVersion);
    const built = await publish(before.chain, { upserts: [{ id: 'new-doc', title: 'Title insurance', text: 'Lender title insurance protects the lender.' }], deletes: [] });
    store.reads.length = 0;
    await load(built.version.version);
    expect(store.reads.some((key) => key.startsWith('indexes/'))).toBe(false);
    expect(store.reads.filter((key) => key.startsWith(`segments/deltas/${built.manifest.id}/`)).sort()).toEqual(
      ['bm25.bin', 'delta.json', 'documents.bin', 'index.faiss', 'tombstones.json'].map((file) => `segments/deltas/${built.manifest.id}/${file}`),
    );
    expect(loader.held().sort()).toEqual([baseVersion, built.manifest.id].sort());
  });

  it('serves through the live index: a swap keeps shared segments open and closes a chain when its last lease ends', async () => {
    const live = createLiveIndex();
    const first = await loader.load(baseVersion);
    live.swap(servingIndexOfChain(first, { mode: 'bm25', embedder }));
    const built = await publish(first.chain, { upserts: [{ id: 'gecko', title: 'Gecko', text: 'gecko rule' }], deletes: [] });
    await setSegmentedLatest(store, built.version.version);
    const version = await readSegmentedLatest(store);
    expect(version).toBe(built.version.version);
    const lease = live.acquire()!;
    live.swap(servingIndexOfChain(await loader.load(version!), { mode: 'bm25', embedder }));
    // The old version is leased: both are held; the base once, shared.
    expect(loader.held().sort()).toEqual([baseVersion, built.manifest.id].sort());
    const current = live.current()!;
    expect(current.loaded.manifest.version).toBe(built.version.version);
    expect(current.loaded.documents[(await current.retriever.retrieve('gecko', 1))[0]!.label]!.id).toBe('gecko');
    lease.release();
    expect(loader.held().sort()).toEqual([baseVersion, built.manifest.id].sort());
    live.close();
    expect(loader.held()).toEqual([]);
  });

  describe('bad files are refused naming the file; the loaded version keeps serving', () => {
    const cases: { name: string; file: string; damage: (bytes: Buffer) => Buffer | string; message: RegExp }[] = [
      { name: 'a tampered documents.bin', file: 'documents.bin', damage: (bytes) => flip(bytes, 40), message: /documents\.bin of delta [0-9a-f]{16} does not match its checksum/ },
      { name: 'a truncated bm25.bin', file: 'bm25.bin', damage: (bytes) => bytes.subarray(0, bytes.length - 9), message: /bm25\.bin of delta [0-9a-f]{16} does not match its checksum/ },
      { name: 'a tampered index.faiss', file: 'index.faiss', damage: (bytes) => flip(bytes, 60), message: /index\.faiss of delta [0-9a-f]{16} does not match its checksum/ },
      { name: 'a tampered tombstones.json', file: 'tombstones.json', damage: (bytes) => bytes.toString().replace('"label":', '"label":1'), message: /tombstones\.json of delta [0-9a-f]{16} does not match its checksum/ },
      { name: 'a malformed delta.json', file: 'delta.json', damage: (bytes) => bytes.toString().slice(0, 30), message: /delta\.json of delta [0-9a-f]{16} is not valid JSON/ },
      { name: 'a delta.json with a wrong count', file: 'delta.json', damage: (bytes) => bytes.toString().replace('"count": 1', '"count": 2'), message: /documents\.bin of delta [0-9a-f]{16} holds 1 documents, delta\.json of delta [0-9a-f]{16} says 2/ },
    ];
    for (const { name, file, damage, message } of cases) {
      it(`${name}`, async () => {
        const live = await load(baseVersion);
        const built = await publish(live.chain, { upserts: [{ id: 'pmi', title: 'PMI', text: 'Mortgage insurance platypus rule.' }], deletes: [] });
        const key = path.join(root, 'segments', 'deltas', built.manifest.id, file);
        await writeFile(key, damage(await readFile(key)));
        await expect(loader.load(built.version.version)).rejects.toThrow(message);
        // Nothing of the failed load is held, and the live version still answers from the base.
        expect(loader.held()).toEqual([baseVersion]);
        expect((await bm25Ids(live.chain, 'private mortgage insurance'))[0]).toBe('pmi');
      });
    }

    it('a version manifest that is not valid, or splices a delta into another chain', async () => {
      const live = await load(baseVersion);
      const first = await publish(live.chain, { upserts: [{ id: 'a', title: 'A', text: 'alpha' }], deletes: [] });
      const second = await publish((await load(first.version.version)).chain, { upserts: [{ id: 'b', title: 'B', text: 'beta' }], deletes: [] });
      const versionFile = path.join(root, 'segments', 'versions', `${second.version.version}.json`);
      const original = await readFile(versionFile, 'utf8');
      await writeFile(versionFile, original.replace(/"deltas": \[[^\]]*\]/, `"deltas": ["${second.manifest.id}"]`));
      await expect(loader.load(second.version.version)).rejects.toThrow(new RegExp(`delta\\.json of delta ${second.manifest.id} was built on ${first.version.version}`));
      await writeFile(versionFile, '{"version":');
      await expect(loader.load(second.version.version)).rejects.toThrow(new RegExp(`segments/versions/${second.version.version}\\.json is not valid JSON`));
      expect((await bm25Ids(live.chain, 'alpha'))).toEqual([]);
    });
  });
});

function canonical(hits: { id: string; score: number }[]): string[] {
  return hits.map(({ id, score }) => ({ id, score: score.toFixed(5) })).sort((a, b) => Number(b.score) - Number(a.score) || a.id.localeCompare(b.id)).map(({ id, score }) => `${score} ${id}`);
}

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  const position = at % copy.length;
  copy[position] = copy[position]! ^ 0xff;
  return copy;
}
