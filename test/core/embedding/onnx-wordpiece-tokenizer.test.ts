import { describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from '../../../core/embedding/wordpiece-tokenizer.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

/** The real all-MiniLM-L6-v2 tokenizer files (no weights), beside the repository. */
const TOKENIZER_DIR = new URL('../../../../shared/models/all-MiniLM-L6-v2-tokenizer/', import.meta.url).pathname;

const QUESTION = 'How do I get a mortgage with bad credit?';
const QUESTION_IDS = [101, 2129, 2079, 1045, 2131, 1037, 14344, 2007, 2919, 4923, 1029, 102];

describe('WordPieceTokenizer', () => {
  it('encodes with the real MiniLM vocabulary, [CLS] and [SEP] included', async () => {
    const tokenizer = await WordPieceTokenizer.fromDirectory(TOKENIZER_DIR);
    expect(tokenizer.encode(QUESTION).ids).toEqual(QUESTION_IDS);
    expect(tokenizer.encode(QUESTION).typeIds).toEqual(QUESTION_IDS.map(() => 0));
  });

  it('truncates to maxLength and keeps [SEP] last (default 256)', async () => {
    const long = 'mortgage '.repeat(400);
    const short = await WordPieceTokenizer.fromDirectory(TOKENIZER_DIR, { maxLength: 8 });
    const { ids } = short.encode(long);
    expect(ids).toEqual([101, 14344, 14344, 14344, 14344, 14344, 14344, 102]);
    const byDefault = await WordPieceTokenizer.fromDirectory(TOKENIZER_DIR);
    const full = byDefault.encode(long).ids;
    expect(full.length).toBe(256);
    expect(full[0]).toBe(101);
    expect(full[255]).toBe(102);
    expect(byDefault.encode(QUESTION).ids).toEqual(QUESTION_IDS);
  });

  it('pads each batch to its own longest row with id 0 and mask 0, as BigInt64Array', async () => {
    const tokenizer = await WordPieceTokenizer.fromDirectory(TOKENIZER_DIR);
    const hiIds = tokenizer.encode('hi').ids;
    const batch = tokenizer.encodeBatch([QUESTION, 'hi']);
    expect(batch.size).toBe(2);
    expect(batch.sequenceLength).toBe(12);
    expect(batch.inputIds).toBeInstanceOf(BigInt64Array);
    expect([...batch.inputIds.subarray(0, 12)].map(Number)).toEqual(QUESTION_IDS);
    const padded = [...hiIds, ...Array<number>(12 - hiIds.length).fill(0)];
    expect([...batch.inputIds.subarray(12)].map(Number)).toEqual(padded);
    expect([...batch.attentionMask.subarray(0, 12)].map(Number)).toEqual(Array<number>(12).fill(1));
    expect([...batch.attentionMask.subarray(12)].map(Number)).toEqual(padded.map((_, i) => (i < hiIds.length ? 1 : 0)));
    expect([...batch.tokenTypeIds].every((type) => type === 0n)).toBe(true);
    // Not a fixed width: a batch of short texts stays short.
    expect(tokenizer.encodeBatch(['hi']).sequenceLength).toBe(hiIds.length);
  });

  it('rejects a maxLength that cannot hold [CLS] and [SEP]', async () => {
    await expect(WordPieceTokenizer.fromDirectory(TOKENIZER_DIR, { maxLength: 1 })).rejects.toBeInstanceOf(AppError);
  });
});
