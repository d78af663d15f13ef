import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  answerVocabularyMatch,
  learnAnswerVocabulary,
  parseAnswerVocabulary,
  serializeAnswerVocabulary,
  type VocabularyExample,
} from '../../../core/generation/answer-vocabulary.ts';
import { loadAnswerVocabulary } from '../../../core/generation/load-answer-vocabulary.ts';

/** A question and its retrieved sentences, the answering ones marked with `*`. */
const example = (question: string, ...sentences: string[]): VocabularyExample => ({
  questionTerms: question.split(' '),
  sentences: sentences.map((sentence) => ({ terms: sentence.replace('*', '').trim().split(' '), answers: sentence.startsWith('*') })),
});

describe('learning the answer vocabulary', () => {
  const examples = [
    example('card limit use', '*stay under 30 guideline', 'card act protect', 'card fee'),
    example('much limit cards', '*30 guideline common', 'limit rais rate', 'card fee'),
    example('limit inspection cost', '*cost 300 600', 'apprais cost 400'),
  ];

  it('links a question term to the terms of answering sentences seen with it in two questions, weighted by how much likelier they are there', () => {
    const vocabulary = learnAnswerVocabulary(examples);
    // "limit" was asked 3 times; "guideline" answered twice, and a third of the retrieved sentences held it in two of them: (2 + 0.5) / (1/3 + 1/3 + 0 + 0.5).
    expect(vocabulary.get('limit')?.get('guideline')).toBeCloseTo(Math.log(2.5 / (1 / 3 + 1 / 3 + 0.5)), 3);
    expect(learnAnswerVocabulary(examples, { smoothing: 1 }).get('limit')?.get('guideline')).toBeCloseTo(Math.log(3 / (1 / 3 + 1 / 3 + 1)), 3);
    expect(vocabulary.get('limit')?.get('30')).toBeGreaterThan(0);
    // Seen once ("300", and every term of "card" asked once per question as "card"/"cards"): never.
    expect(vocabulary.get('limit')?.has('300')).toBe(false);
    expect(vocabulary.has('card')).toBe(false);
    expect(vocabulary.has('inspection')).toBe(false);
  });

  it('never links a question term to itself or to another term of the same question, and learns nothing without an answering sentence', () => {
    const vocabulary = learnAnswerVocabulary([...examples, example('limit guideline', 'guideline 30', 'limit 30')]);
    expect(vocabulary.get('limit')?.has('limit')).toBe(false);
    expect(vocabulary.get('limit')?.get('guideline')).toBeCloseTo(learnAnswerVocabulary(examples).get('limit')!.get('guideline')!, 3);
  });

  it('is deterministic, and written and read back unchanged', () => {
    const vocabulary = learnAnswerVocabulary(examples);
    expect(learnAnswerVocabulary([...examples].reverse())).toEqual(vocabulary);
    const text = serializeAnswerVocabulary(vocabulary, { questions: 'q.jsonl', corpus: 'c.jsonl', examples: 3 });
    expect(parseAnswerVocabulary(text)).toEqual(vocabulary);
  });

  it('scores a sentence by the best answering term per question term, averaged over the question, ignoring the question’s own terms', () => {
    const vocabulary = new Map([['limit', new Map([['guideline', 2], ['30', 1], ['card', 3]])]]);
    expect(answerVocabularyMatch(vocabulary, ['card', 'limit'], new Set(['stay', 'under', '30', 'guideline']))).toBe(1);
    // "card" is a question term: it counts as coverage elsewhere, not here.
    expect(answerVocabularyMatch(vocabulary, ['card', 'limit'], new Set(['card', 'fee']))).toBe(0);
    expect(answerVocabularyMatch(vocabulary, [], new Set(['guideline']))).toBe(0);
  });

  it('counts a term only of the situation beside the question at its share, in the match and in the average', () => {
    const vocabulary = new Map([
      ['limit', new Map([['guideline', 2]])],
      ['budget', new Map([['plan', 4]])],
    ]);
    const sentence = new Set(['plan', 'guideline']);
    // Alike: (2 + 4) / 2; "budget" at half: (2 + 0.5 · 4) / 1.5.
    expect(answerVocabularyMatch(vocabulary, ['limit', 'budget'], sentence)).toBe(3);
    expect(answerVocabularyMatch(vocabulary, ['limit', 'budget'], sentence, new Set(['budget']), 0.5)).toBeCloseTo(4 / 1.5, 10);
    expect(answerVocabularyMatch(vocabulary, ['budget'], sentence, new Set(['budget']), 0)).toBe(0);
  });
});

describe('reading the answer vocabulary file', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('reads the committed file, and nothing for "off"', () => {
    const vocabulary = loadAnswerVocabulary(new URL('../../../data/answer-vocabulary.json', import.meta.url).pathname);
    expect(vocabulary?.size).toBeGreaterThan(100);
    expect(loadAnswerVocabulary('off')).toBeUndefined();
  });

  it('refuses a missing or malformed file with the path and the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'answer-vocabulary-'));
    dirs.push(dir);
    expect(() => loadAnswerVocabulary(join(dir, 'none.json'))).toThrow(/ANSWER_VOCABULARY: cannot read .*none\.json.*ANSWER_VOCABULARY=off/);
    for (const [name, content, problem] of [
      ['text.json', 'not json', /is not JSON/],
      ['version.json', JSON.stringify({ version: 2, learnedFrom: { questions: 'q', corpus: 'c', examples: 0 }, terms: {} }), /malformed at version/],
      ['weight.json', JSON.stringify({ version: 1, learnedFrom: { questions: 'q', corpus: 'c', examples: 1 }, terms: { limit: { guideline: 0 } } }), /malformed at terms\.limit\.guideline/],
    ] as const) {
      await writeFile(join(dir, name), content);
      expect(() => loadAnswerVocabulary(join(dir, name))).toThrow(problem);
    }
  });
});
