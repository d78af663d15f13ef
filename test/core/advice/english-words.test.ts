import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { englishWords } from '../../../core/advice/english-words.ts';

describe('englishWords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apfa-words-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows the real words spelling correction must leave alone, and not the misspellings', () => {
    const isWord = englishWords();
    for (const word of ['realtor', 'widowed', 'fined', 'miles', 'literally', 'separate', 'assessment', 'aa', 'zzzs']) expect(isWord(word), word).toBe(true);
    for (const word of ['seperate', 'assesment', 'finded', 'qualifiy', 'heloc', '']) expect(isWord(word), word).toBe(false);
    // Informal words the list lacks: "guy on insta says…" must not become "instal" (installment loans).
    for (const word of ['insta', 'venmo', 'lemme']) expect(isWord(word), word).toBe(true);
  });

  it('finds every word of an unsorted file and nothing else', () => {
    const path = join(dir, 'words.txt');
    writeFileSync(path, 'manlihood\nmanlily\nbeta\nalpha\nNotLower\ngamma\n');
    const isWord = englishWords(path);
    for (const word of ['alpha', 'beta', 'gamma', 'manlihood', 'manlily']) expect(isWord(word), word).toBe(true);
    for (const word of ['alp', 'alphas', 'delta', 'notlower', 'NotLower', 'zeta', 'aaa']) expect(isWord(word), word).toBe(false);
  });

  it('is an empty dictionary, not an error, when the file cannot be read', () => {
    const isWord = englishWords(join(dir, 'missing.txt'));
    expect(isWord('realtor')).toBe(false);
  });
});
