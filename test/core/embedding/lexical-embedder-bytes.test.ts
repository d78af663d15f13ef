import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLexicalState, decodeLexicalState, encodeLexicalState, isStoredLexicalState, lexicalStateCheck } from '../../../core/embedding/lexical-embedder-bytes.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { lexicalEmbedderFromManifest } from '../../../core/embedding/lexical-embedder-state.ts';
import { LexicalEmbedder } from '../../../core/embedding/lexical-embedder.ts';

const corpus = [
  'FHA loans allow a down payment as low as 3.5% with a credit score of 580 or higher.',
  'VA loans require no down payment for eligible veterans and service members.',
  'Private mortgage insurance is usually required on conventional loans with less than 20% down.',
  'Préstamo hipotecario — 住宅ローン: 頭金は20%、𝄞 and emoji 🏡 in a résumé.',
  // U+FF21 (fullwidth A) sorts after U+1D11E (𝄞) in UTF-8 bytes but before it in UTF-16 code units.
  'Ａ fullwidth letter beside 𝄞 and \uE000 private use.',
];
const queries = ['What down payment does an FHA loan need?', 'préstamo 住宅ローン 🏡', 'Ａ 𝄞 \uE000', 'nothing indexed here', ''];

describe('lexical embedder state file (embedder.bin)', () => {
  it('round-trips the fitted state; an embedder over the stored table embeds bit for bit as the fitted one', async () => {
    const fitted = LexicalEmbedder.fit(corpus, { bigramWeight: 0.5, dimension: 256 });
    const stored = decodeLexicalState(encodeLexicalState(fitted.toJSON()), 'embedder.bin of test');
    expect(isStoredLexicalState(stored)).toBe(true);
    // Serialised, the table is the JSON state the manifest used to hold (code-unit order), so it hashes to the same modelHash.
    expect(JSON.parse(JSON.stringify(stored))).toEqual(fitted.toJSON());
    expect(LexicalEmbedder.fromJSON(stored.toJSON()).modelHash).toBe(fitted.modelHash);
    const restored = lexicalEmbedderFromManifest({ version: '0123456789abcdef', embedder: { id: fitted.id, modelHash: fitted.modelHash, state: stored } });
    expect(restored.modelHash).toBe(fitted.modelHash);
    expect(restored.dimension).toBe(256);
    expect(await restored.embed(queries)).toEqual(await fitted.embed(queries));
    for (const term of fitted.toJSON().terms) expect(stored.get(term), term).toBeGreaterThan(0);
    expect(stored.get('absent-term')).toBeUndefined();
  });

  it('round-trips an empty table', async () => {
    const empty = new LexicalEmbedder();
    const stored = decodeLexicalState(encodeLexicalState(empty.toJSON()), 'x');
    expect(stored.toJSON()).toEqual(empty.toJSON());
    const restored = lexicalEmbedderFromManifest({ version: '0123456789abcdef', embedder: { id: empty.id, modelHash: empty.modelHash, state: stored } });
    expect(await restored.embed(queries)).toEqual(await empty.embed(queries));
  });

  it('refuses truncated, extended and malformed files, naming the file', () => {
    const state = LexicalEmbedder.fit(corpus).toJSON();
    const bytes = encodeLexicalState(state);
    const refused = (candidate: Uint8Array) => () => decodeLexicalState(candidate, 'embedder.bin of 0123456789abcdef');
    const name = /embedder\.bin of 0123456789abcdef is not a valid lexical embedder state/;
    expect(refused(bytes.subarray(0, bytes.length - 1))).toThrow(name);
    expect(refused(bytes.subarray(0, 6))).toThrow(/shorter than its header/);
    expect(refused(new Uint8Array([...bytes, 0]))).toThrow(name);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0x58;
    expect(refused(wrongMagic)).toThrow(/does not start with APFALEX1/);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const badHeader = bytes.slice();
    badHeader[12] = 0x7b + 1;
    expect(refused(badHeader)).toThrow(/header is not JSON/);
    const otherEmbedder = Buffer.from(bytes);
    const header = otherEmbedder.toString('latin1', 12, 12 + headerLength);
    otherEmbedder.write(header.replace('lexical-hash-v1', 'lexical-hash-v9'), 12, 'latin1');
    expect(refused(otherEmbedder)).toThrow(/header is invalid/);
    // The first document frequency set to 0.
    const frequenciesAt = 12 + headerLength + 4 * (state.terms.length + 1);
    const zero = bytes.slice();
    new DataView(zero.buffer).setUint32(frequenciesAt, 0, true);
    expect(refused(zero)).toThrow(/term 0 has a document frequency of 0/);
    // The first term's offset pair inverted.
    const backwards = bytes.slice();
    new DataView(backwards.buffer).setUint32(12 + headerLength + 4, 0xffff, true);
    expect(refused(backwards)).toThrow(/go backwards/);
    // The blob's first two terms' bytes replaced by one that sorts after the second.
    const blobAt = frequenciesAt + 4 * state.terms.length;
    const unsorted = bytes.slice();
    unsorted[blobAt] = 0xff;
    expect(refused(unsorted)).toThrow(/term 1 is not after term 0 in byte order/);
  });

  it('runs its O(n) checks where a store reads the file (lexicalStateCheck) and skips them when told they passed there', async () => {
    const bytes = encodeLexicalState(LexicalEmbedder.fit(corpus).toJSON());
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const zeroFrequency = bytes.slice();
    new DataView(zeroFrequency.buffer).setUint32(12 + headerLength + 4 * (LexicalEmbedder.fit(corpus).toJSON().terms.length + 1), 0, true);
    expect(() => checkLexicalState(zeroFrequency, 'embedder.bin of 0123456789abcdef')).toThrow(/term 0 has a document frequency of 0/);
    expect(() => decodeLexicalState(zeroFrequency, 'embedder.bin of 0123456789abcdef', { checked: true })).not.toThrow();
    // The header and sizes are checked either way.
    expect(() => decodeLexicalState(bytes.subarray(0, bytes.length - 1), 'embedder.bin of 0123456789abcdef', { checked: true })).toThrow(/not a valid lexical embedder state/);
    const root = await mkdtemp(path.join(tmpdir(), 'apfa-lexical-check-'));
    try {
      const store = new LocalFolderObjectStore(root);
      await store.put('embedder.bin', zeroFrequency);
      const sha256 = createHash('sha256').update(zeroFrequency).digest('hex');
      await expect(store.getHashed('embedder.bin', { check: lexicalStateCheck('embedder.bin of 0123456789abcdef', sha256) })).rejects.toMatchObject({
        code: 'index-corrupt',
        detail: expect.stringMatching(/term 0 has a document frequency of 0/),
      });
      await store.put('embedder.bin', bytes);
      const good = createHash('sha256').update(bytes).digest('hex');
      expect(await store.getHashed('embedder.bin', { check: lexicalStateCheck('embedder.bin of 0123456789abcdef', good) })).toMatchObject({ checked: true });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('keeps refusing a JSON state that does not hash to the manifest modelHash', () => {
    const fitted = LexicalEmbedder.fit(corpus);
    expect(() => lexicalEmbedderFromManifest({ version: '0123456789abcdef', embedder: { id: fitted.id, modelHash: 'ffffffffffffffff', state: fitted.toJSON() } })).toThrow(
      /hashes to/,
    );
  });
});
