import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from '../../../core/embedding/wordpiece-tokenizer.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { miniLmTokenizer } from '../../support/fixtures.ts';
import { TINY_VOCABULARY, writeTinyTokenizer } from '../../support/tiny-wordpiece-tokenizer.ts';

const QUESTION = 'How do I get a mortgage with bad credit?';
const CLS = 101;
const SEP = 102;

/** The behaviour every BERT vocabulary shares, checked against the ids `vocabulary` gives. */
function tokenizerBehaviour(load: (maxLength?: number) => Promise<WordPieceTokenizer>, questionIds: () => number[], mortgageId: () => number): void {
  it('encodes with the vocabulary, [CLS] and [SEP] included', async () => {
    const tokenizer = await load();
    expect(tokenizer.encode(QUESTION).ids).toEqual(questionIds());
    expect(tokenizer.encode(QUESTION).typeIds).toEqual(questionIds().map(() => 0));
  });

  it('truncates to maxLength and keeps [SEP] last (default 256)', async () => {
    const long = 'mortgage '.repeat(400);
    const { ids } = (await load(8)).encode(long);
    expect(ids).toEqual([CLS, ...Array<number>(6).fill(mortgageId()), SEP]);
    const byDefault = await load();
    const full = byDefault.encode(long).ids;
    expect(full.length).toBe(256);
    expect(full[0]).toBe(CLS);
    expect(full[255]).toBe(SEP);
    expect(byDefault.encode(QUESTION).ids).toEqual(questionIds());
  });

  it('pads each batch to its own longest row with id 0 and mask 0, as BigInt64Array', async () => {
    const tokenizer = await load();
    const expected = questionIds();
    const width = expected.length;
    const hiIds = tokenizer.encode('hi').ids;
    const batch = tokenizer.encodeBatch([QUESTION, 'hi']);
    expect(batch.size).toBe(2);
    expect(batch.sequenceLength).toBe(width);
    expect(batch.inputIds).toBeInstanceOf(BigInt64Array);
    expect([...batch.inputIds.subarray(0, width)].map(Number)).toEqual(expected);
    const padded = [...hiIds, ...Array<number>(width - hiIds.length).fill(0)];
    expect([...batch.inputIds.subarray(width)].map(Number)).toEqual(padded);
    expect([...batch.attentionMask.subarray(0, width)].map(Number)).toEqual(Array<number>(width).fill(1));
    expect([...batch.attentionMask.subarray(width)].map(Number)).toEqual(padded.map((_, i) => (i < hiIds.length ? 1 : 0)));
    expect([...batch.tokenTypeIds].every((type) => type === 0n)).toBe(true);
    // Not a fixed width: a batch of short texts stays short.
    expect(tokenizer.encodeBatch(['hi']).sequenceLength).toBe(hiIds.length);
  });

  it('rejects a maxLength that cannot hold [CLS] and [SEP]', async () => {
    await expect(load(1)).rejects.toBeInstanceOf(AppError);
  });
}

describe('WordPieceTokenizer on a vocabulary of our own (test/support/tiny-wordpiece-tokenizer.ts)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apfa-tokenizer-'));
    await writeTinyTokenizer(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const id = (token: string) => TINY_VOCABULARY[token]!;

  tokenizerBehaviour(
    (maxLength) => WordPieceTokenizer.fromDirectory(dir, maxLength === undefined ? {} : { maxLength }),
    () => [CLS, ...['how', 'do', 'i', 'get', 'a', 'mortgage', 'with', 'bad', 'credit', '?'].map(id), SEP],
    () => id('mortgage'),
  );

  it('lowercases, splits punctuation, and breaks a word it lacks into the longest ## pieces', async () => {
    const tokenizer = await WordPieceTokenizer.fromDirectory(dir);
    expect(tokenizer.encode('FHA loans, Zed!').ids).toEqual([CLS, id('fha'), id('loan'), id('##s'), id(','), id('z'), id('##ed'), id('!'), SEP]);
  });
});

const MINILM = miniLmTokenizer();

describe.skipIf(!MINILM.present)('WordPieceTokenizer on the real all-MiniLM-L6-v2 vocabulary', () => {
  tokenizerBehaviour(
    (maxLength) => WordPieceTokenizer.fromDirectory(MINILM.path, maxLength === undefined ? {} : { maxLength }),
    () => [101, 2129, 2079, 1045, 2131, 1037, 14344, 2007, 2919, 4923, 1029, 102],
    () => 14344,
  );
});
