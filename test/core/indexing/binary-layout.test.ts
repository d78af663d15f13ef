import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { decodeDocumentTable, encodeDocumentTable, findDocumentsById } from '../../../core/indexing/document-table-bytes.ts';
import { createIndexRepository, type IndexRepository } from '../../../core/indexing/index-repository.ts';
import type { KnowledgeDocument } from '../../../core/ports/document.ts';
import { decodeBm25Postings, encodeBm25Postings, readBm25Postings } from '../../../core/retrieval/bm25-postings.ts';
import { Bm25Retriever } from '../../../core/retrieval/bm25-retriever.ts';
import { bm25QueryOptions, createServingIndexPreparer } from '../../../core/serving/prepare-serving-index.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { DeferredVectorIndex } from '../../../core/indexing/deferred-vector-index.ts';
import { LOAN_DOCUMENTS } from './loan-documents.ts';

const ODD_DOCUMENTS: KnowledgeDocument[] = [
  { id: 'plain', title: 'FHA loans', text: 'A 3.5% down payment with a 580 credit score.' },
  { id: 'empty-text', title: 'Nothing to say', text: '' },
  { id: 'empty-url', title: 'Empty link', text: 'The URL is the empty string.', url: '' },
  { id: 'unicode-ü-東京-🏠', title: 'Préstamo hipotecario — 住宅ローン', text: 'Ünïcödé: 頭金は20%、𝄞 and emoji 🏡 in a résumé.', url: 'https://example.org/ü' },
  { id: `large-${'x'.repeat(5_000)}`, title: '', text: 'z'.repeat(70_000) },
];

const plain = (document: KnowledgeDocument) => (document.url === undefined ? { id: document.id, title: document.title, text: document.text } : { ...document });

describe('binary documents table', () => {
  it('round-trips unicode, empty text, empty and missing urls and large ids', () => {
    const bytes = encodeDocumentTable(ODD_DOCUMENTS);
    const read = decodeDocumentTable(bytes, 'documents.bin of test');
    expect(read).toHaveLength(ODD_DOCUMENTS.length);
    expect(read.map((document) => [document.id, document.title, document.text, document.url])).toEqual(ODD_DOCUMENTS.map((d) => [d.id, d.title, d.text, d.url]));
    expect(JSON.parse(JSON.stringify(read))).toEqual(ODD_DOCUMENTS.map(plain));
    expect(decodeDocumentTable(encodeDocumentTable([]), 'empty')).toEqual([]);
  });

  it('reads a table handed over at an unaligned offset', () => {
    const bytes = encodeDocumentTable(ODD_DOCUMENTS);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeDocumentTable(shifted.subarray(1), 'x').map((document) => document.text)).toEqual(ODD_DOCUMENTS.map((d) => d.text));
  });

  it('refuses truncated, extended and malformed tables, naming the file', () => {
    const bytes = encodeDocumentTable(ODD_DOCUMENTS);
    const refused = (candidate: Uint8Array) => () => decodeDocumentTable(candidate, 'documents.bin of 0123456789abcdef');
    expect(refused(bytes.subarray(0, bytes.length - 1))).toThrow(/documents\.bin of 0123456789abcdef is not a valid documents table/);
    expect(refused(bytes.subarray(0, 10))).toThrow(/documents\.bin of 0123456789abcdef.*shorter than its header/);
    expect(refused(new Uint8Array([...bytes, 0]))).toThrow(/documents\.bin/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0x58;
    expect(refused(wrongMagic)).toThrow(/does not start with APFADOC1/);
    const backwards = bytes.slice();
    // The second offset (end of the first id) past the third: offsets go backwards.
    new DataView(backwards.buffer).setUint32(16 + 4, 0xffff, true);
    expect(refused(backwards)).toThrow(/goes backwards/);
  });
});

describe('binary BM25 postings', () => {
  it('round-trips and ranks exactly as the JSON state does', () => {
    const documents = [...LOAN_DOCUMENTS, ...ODD_DOCUMENTS];
    const built = Bm25Retriever.build(documents);
    const fromBinary = Bm25Retriever.fromJSON(decodeBm25Postings(encodeBm25Postings(built.toPostings()), 'bm25.bin'));
    const fromJson = Bm25Retriever.fromJSON(JSON.parse(JSON.stringify(built.toJSON())));
    expect(fromBinary.toJSON().postings).toBeDefined();
    // Same terms and postings (term order differs: the binary file sorts terms by bytes).
    const termsOf = (retriever: Bm25Retriever) => new Set(retriever.toJSON().terms);
    expect(termsOf(fromBinary)).toEqual(termsOf(fromJson));
    for (const query of ['FHA down payment', 'préstamo 住宅ローン', 'emoji 🏡', 'zzzz', 'credit score 580 refinance', '']) {
      expect(fromBinary.search(query, 10), query).toEqual(fromJson.search(query, 10));
      expect(fromBinary.search(query, 10), query).toEqual(built.search(query, 10));
    }
  });

  it('refuses truncated and inconsistent postings, naming the file', () => {
    const bytes = encodeBm25Postings(Bm25Retriever.build(LOAN_DOCUMENTS).toPostings());
    const refused = (candidate: Uint8Array) => () => decodeBm25Postings(candidate, 'bm25.bin of 0123456789abcdef');
    expect(refused(bytes.subarray(0, bytes.length - 3))).toThrow(/bm25\.bin of 0123456789abcdef is not a valid BM25 postings file/);
    expect(refused(bytes.subarray(0, 6))).toThrow(/bm25\.bin of 0123456789abcdef/);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const badHeader = bytes.slice();
    badHeader[12] = 0x7b + 1;
    expect(refused(badHeader)).toThrow(/header is not JSON/);
    // The first posting's document id past the document count.
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as { terms: number };
    const outOfRange = bytes.slice();
    new DataView(outOfRange.buffer).setUint32(12 + headerLength + 8 * (header.terms + 1), 1_000_000, true);
    expect(refused(outOfRange)).toThrow(/names document 1000000/);
  });
});

describe('binary BM25 postings with stored scoring tables (binary-v2)', () => {
  const documents = [...LOAN_DOCUMENTS, ...ODD_DOCUMENTS];
  const queries = ['FHA down payment', 'préstamo 住宅ローン', 'emoji 🏡', 'zzzz', 'credit score 580 refinance', 'mortgage insurance premium PMI', ''];

  it('stores each posting weight, length norm and IDF, and a load that reuses them ranks bit for bit as the build did', async () => {
    const built = Bm25Retriever.build(documents);
    const bytes = encodeBm25Postings(built.toPostings());
    const postings = decodeBm25Postings(bytes, 'bm25.bin');
    expect(postings.weights).toHaveLength(postings.documents.length);
    expect(postings.lengthNorms).toHaveLength(documents.length);
    expect(postings.idf).toHaveLength(postings.terms.size);
    expect(bytes.length).toBeGreaterThan(encodeBm25Postings(built.toPostings(), { scoring: false }).length);
    const restored = await Bm25Retriever.restore(await readBm25Postings(bytes, 'bm25.bin'));
    const withoutNorms = Bm25Retriever.fromJSON(decodeBm25Postings(encodeBm25Postings(built.toPostings(), { scoring: false }), 'bm25.bin'));
    for (const query of queries) {
      expect(restored.search(query, 10), query).toEqual(built.search(query, 10));
      expect(withoutNorms.search(query, 10), query).toEqual(built.search(query, 10));
    }
    // Re-encoding what was read gives the same file.
    expect(Buffer.compare(encodeBm25Postings(restored.toPostings()), bytes)).toBe(0);
  });

  it('derives the tables again when load-time parameters differ from the stored ones', () => {
    const bytes = encodeBm25Postings(Bm25Retriever.build(documents).toPostings());
    const overridden = Bm25Retriever.fromJSON(decodeBm25Postings(bytes, 'bm25.bin'), { k1: 1.2, b: 0.75, titleBoost: 2 });
    const fresh = Bm25Retriever.build(documents, { k1: 1.2, b: 0.75, titleBoost: 2 });
    for (const query of queries) expect(overridden.search(query, 10), query).toEqual(fresh.search(query, 10));
  });

  it('refuses scoring values that are not finite, a truncated scoring section and unsorted terms, naming the file', () => {
    const bytes = encodeBm25Postings(Bm25Retriever.build(documents).toPostings());
    const postings = decodeBm25Postings(bytes, 'x');
    const refused = (candidate: Uint8Array) => () => decodeBm25Postings(candidate, 'bm25.bin of 0123456789abcdef');
    const normsAt = postings.lengthNorms!.byteOffset - bytes.byteOffset;
    const notFinite = bytes.slice();
    new DataView(notFinite.buffer).setFloat64(normsAt + 8, Number.NaN, true);
    expect(refused(notFinite)).toThrow(/bm25\.bin of 0123456789abcdef is not a valid BM25 postings file: a length norm/);
    const idfAt = postings.idf!.byteOffset - bytes.byteOffset;
    const negative = bytes.slice();
    new DataView(negative.buffer).setFloat64(idfAt, -1, true);
    expect(refused(negative)).toThrow(/an IDF is not/);
    const weightsAt = postings.weights!.byteOffset - bytes.byteOffset;
    const infinite = bytes.slice();
    new DataView(infinite.buffer).setFloat32(weightsAt + 4 * 3, Number.POSITIVE_INFINITY, true);
    expect(refused(infinite)).toThrow(/a posting weight is not/);
    expect(refused(bytes.subarray(0, normsAt + 16))).toThrow(/need \d+ bytes, the file has/);
    // Two neighbouring terms of the same length swapped in the blob: the dictionary is no longer sorted.
    const blobAt = weightsAt + 4 * postings.documents.length;
    const term = (t: number) => Buffer.from(postings.terms.termAt(t));
    const t = Array.from({ length: postings.terms.size - 1 }, (_, i) => i).find((i) => term(i).length === term(i + 1).length)!;
    expect(t).toBeGreaterThanOrEqual(0);
    const at = blobAt + Buffer.byteLength(Array.from({ length: t }, (_, i) => postings.terms.termAt(i)).join(''));
    const unsorted = bytes.slice();
    unsorted.set(term(t + 1), at);
    unsorted.set(term(t), at + term(t).length);
    expect(refused(unsorted)).toThrow(new RegExp(`term ${t + 1} is not after term ${t} in byte order`));
  });
});

describe('versions in both layouts', () => {
  let root: string;
  let repository: IndexRepository;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'apfa-binary-layout-'));
    repository = createIndexRepository(new LocalFolderObjectStore(root));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads the JSON, binary-v1 and binary-v2 layouts of the demo corpus, and all retrieve identically to the built retriever', async () => {
    const { documents } = await createDocumentSource({ kind: 'jsonl', path: 'data/corpus/lending-guide.jsonl' }).read();
    const embedder = fitLexicalEmbedder(documents);
    const json = await buildIndexVersion({ documents, embedder, sourceName: 'demo', layout: 'json' });
    const v1 = await buildIndexVersion({ documents, embedder, sourceName: 'demo', layout: 'binary-v1' });
    const v2 = await buildIndexVersion({ documents, embedder, sourceName: 'demo' });
    expect(json.manifest.layout).toBeUndefined();
    expect(v1.manifest.layout).toBe('binary-v1');
    expect(v2.manifest.layout).toBe('binary-v2');
    // Same documents.bin, yet each layout is its own immutable version.
    expect(new Set([json.manifest.version, v1.manifest.version, v2.manifest.version]).size).toBe(3);
    for (const built of [json, v1, v2]) await repository.save(built);
    // binary-v2 keeps the embedder state out of the manifest (in embedder.bin).
    const storedManifest = JSON.parse(await readFile(path.join(root, 'indexes', v2.manifest.version, 'manifest.json'), 'utf8')) as { embedder: object; checksums: object };
    expect(storedManifest.embedder).not.toHaveProperty('state');
    expect(storedManifest.checksums).toHaveProperty('embedder');
    const loaded = await Promise.all([json, v1, v2].map((built) => repository.load(built.manifest.version)));
    const [fromJson, fromV1, fromV2] = loaded;
    for (const other of [fromV1!, fromV2!]) {
      expect(other.documents.map((document) => JSON.stringify(document))).toEqual(fromJson!.documents.map((document) => JSON.stringify(document)));
      expect(JSON.parse(JSON.stringify(other.manifest.embedder))).toEqual(JSON.parse(JSON.stringify(fromJson!.manifest.embedder)));
    }
    const questions = ['What are my options for a $200,000 home with a 620 credit score?', 'FHA mortgage insurance', 'VA funding fee', 'debt-to-income ratio limit', 'refinance break-even', 'HELOC draw period', 'préstamo 住宅ローン 🏡', ''];
    // What the build had in memory, before anything was stored.
    const inMemory = Bm25Retriever.build(documents.map(({ title, text }) => ({ title, text })), bm25QueryOptions());
    for (const mode of ['bm25', 'hybrid', 'dense'] as const) {
      const prepare = createServingIndexPreparer({ retrieval: { mode } });
      const [a, b, c] = [await prepare(fromJson!), await prepare(fromV1!), await prepare(fromV2!)];
      expect(c.embedder.modelHash).toBe(embedder.modelHash);
      for (const question of questions) {
        const expected = await a.retriever.retrieve(question, 8);
        expect(await b.retriever.retrieve(question, 8), `${mode} v1: ${question}`).toEqual(expected);
        expect(await c.retriever.retrieve(question, 8), `${mode} v2: ${question}`).toEqual(expected);
        if (mode === 'bm25') expect(expected, question).toEqual(inMemory.search(question, 8));
        // The query embedder read from embedder.bin embeds exactly as the fitted one.
        expect(await c.embedder.embed([question])).toEqual(await embedder.embed([question]));
      }
    }
    // Rolling back to the JSON version works as before.
    await repository.setLatest(json.manifest.version);
    expect((await repository.loadLatest())!.manifest.layout).toBeUndefined();
    for (const version of loaded) version.index.close();
  });

  it('refuses a tampered or truncated binary file naming it, and loads the version again once restored', async () => {
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'a' });
    await repository.save(built);
    const version = built.manifest.version;
    for (const file of ['documents.bin', 'bm25.bin', 'embedder.bin', 'index.faiss']) {
      const full = path.join(root, 'indexes', version, file);
      const original = await readFile(full);
      const tampered = Buffer.from(original);
      tampered[tampered.length - 5]! ^= 0x20;
      await writeFile(full, tampered);
      await expect(repository.load(version), file).rejects.toMatchObject({ code: 'index-corrupt', detail: `${file} of ${version} does not match its checksum` });
      await writeFile(full, original.subarray(0, original.length - 7));
      await expect(repository.load(version), file).rejects.toMatchObject({ code: 'index-corrupt', detail: expect.stringContaining(`${file} of ${version}`) });
      await rm(full);
      await expect(repository.load(version), file).rejects.toMatchObject({ code: 'index-corrupt', detail: `index ${version} is missing ${file}` });
      await writeFile(full, original);
    }
    const loaded = await repository.load(version);
    expect(loaded.documents[0]!.id).toBe(LOAN_DOCUMENTS[0]!.id);
    loaded.index.close();
  });

  it('defers index.faiss to the first vector search when asked, and refuses a tampered one then', async () => {
    const deferring = createIndexRepository(new LocalFolderObjectStore(root), { deferVectors: () => true });
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'a' });
    await deferring.save(built);
    const version = built.manifest.version;
    const faiss = path.join(root, 'indexes', version, 'index.faiss');
    const original = await readFile(faiss);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1]! ^= 0x01;
    await writeFile(faiss, tampered);
    const loaded = await deferring.load(version);
    expect(loaded.index).toBeInstanceOf(DeferredVectorIndex);
    expect(loaded.index.size).toBe(LOAN_DOCUMENTS.length);
    const query = built.vectors.subarray(0, built.manifest.dimension);
    await expect(loaded.index.search(query, 1)).rejects.toMatchObject({ detail: `index.faiss of ${version} does not match its checksum` });
    await writeFile(faiss, original);
    expect((await loaded.index.search(query, 1))[0]!.label).toBe(0);
    loaded.index.close();
    await expect(loaded.index.search(query, 1)).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('rows of a read documents table', () => {
  it('read as a plain array whose rows are made on first read: every index present, each row the same object, nothing past the end', () => {
    const documents = decodeDocumentTable(encodeDocumentTable(ODD_DOCUMENTS), 'documents.bin');
    expect(Array.isArray(documents)).toBe(true);
    expect(documents.length).toBe(ODD_DOCUMENTS.length);
    expect(0 in documents && 4 in documents).toBe(true);
    expect(5 in documents).toBe(false);
    expect(documents[5]).toBeUndefined();
    expect((documents as unknown as Record<string, unknown>)['1e0']).toBeUndefined();
    expect('1e0' in documents).toBe(false);
    expect(documents[1]).toBe(documents[1]);
    const plain = (rows: readonly KnowledgeDocument[]) => JSON.parse(JSON.stringify(rows)) as unknown;
    const visited: string[] = [];
    documents.forEach((document) => visited.push(document.id));
    expect(visited).toEqual(ODD_DOCUMENTS.map((document) => document.id));
    expect(documents.map((document) => document.title)).toEqual(ODD_DOCUMENTS.map((document) => document.title));
    expect([...documents].map((document) => document.text)).toEqual(ODD_DOCUMENTS.map((document) => document.text));
    expect(plain(documents.concat([{ id: 'extra', title: 'Extra', text: 'x' }]))).toEqual(plain([...ODD_DOCUMENTS, { id: 'extra', title: 'Extra', text: 'x' }]));
    expect(documents.findIndex((document) => document.url === '')).toBe(2);
  });
});

describe('findDocumentsById', () => {
  it('finds rows of a read table by their id bytes, as a plain array finds them by id: first row of each, multi-byte ids, missing and same-length ids', () => {
    const documents = [...ODD_DOCUMENTS, { id: 'plain', title: 'A second row with the same id', text: 'later' }, { id: 'plaim', title: 'One byte off', text: 'x' }];
    const table = decodeDocumentTable(encodeDocumentTable(documents), 'documents.bin');
    const wanted = new Set(['plain', 'unicode-ü-東京-🏠', 'plaim', 'plaix', 'empty-url', 'missing']);
    const fromTable = findDocumentsById(table, wanted);
    const fromArray = findDocumentsById(documents, wanted);
    const summary = (found: Map<string, KnowledgeDocument>) => [...found].map(([id, document]) => [id, document.id, document.title]).sort();
    expect(summary(fromTable)).toEqual(summary(fromArray));
    expect(summary(fromTable)).toEqual([
      ['empty-url', 'empty-url', 'Empty link'],
      ['plaim', 'plaim', 'One byte off'],
      ['plain', 'plain', 'FHA loans'],
      ['unicode-ü-東京-🏠', 'unicode-ü-東京-🏠', 'Préstamo hipotecario — 住宅ローン'],
    ]);
    expect(findDocumentsById(table, new Set()).size).toBe(0);
  });
});

