import { describe, expect, it } from 'vitest';
import type { Passage } from '../../../core/ports/generator.ts';
import {
  EXTRACTIVE_LEAD_IN,
  ExtractiveGenerator,
  NOT_COVERED_ANSWER,
} from '../../../core/generation/extractive-generator.ts';

const passages: Passage[] = [
  {
    citation: 1,
    id: 'fha',
    title: 'FHA loans',
    score: 0.62,
    text:
      'FHA loans are insured by the Federal Housing Administration. Borrowers with a credit score of 580 or higher can put down as little as 3.5%. ' +
      'Scores between 500 and 579 require 10% down. FHA loans also carry an upfront and annual mortgage insurance premium.',
  },
  {
    citation: 2,
    id: 'conventional',
    title: 'Conventional loans',
    score: 0.48,
    text:
      'Conventional loans usually need a credit score of at least 620. A down payment below 20% means paying private mortgage insurance (PMI). ' +
      'Some programs, e.g. HomeReady, allow 3% down for a $200,000 home.',
  },
  {
    citation: 3,
    id: 'closing',
    title: 'Closing costs',
    score: 0.2,
    text: 'Closing costs typically run 2% to 5% of the loan amount. They are paid at signing.',
  },
];

/** Splits an answer body into quoted sentences with their citation numbers. */
function quotedSentences(text: string): { sentence: string; citation: number }[] {
  const body = text.split('\n\n').slice(1).join(' ');
  return [...body.matchAll(/(.+?) \[(\d+)\]([.!?]*["'”’)\]]*)(?=\s|$)/g)].map((match) => ({
    sentence: `${match[1]!.trim()}${match[3]}`,
    citation: Number(match[2]),
  }));
}

describe('ExtractiveGenerator', () => {
  const generator = new ExtractiveGenerator();

  it('quotes only sentences of the cited passages, from at least two passages', async () => {
    const result = await generator.generate({
      query: 'What are my options for a $200,000 home with a 620 credit score and a small down payment?',
      passages,
    });
    expect(result.generator).toBe('extractive-v1');
    expect(result.text.startsWith(EXTRACTIVE_LEAD_IN)).toBe(true);
    const quoted = quotedSentences(result.text);
    expect(quoted.length).toBeGreaterThanOrEqual(3);
    expect(quoted.length).toBeLessThanOrEqual(5);
    for (const { sentence, citation } of quoted) {
      const passage = passages.find((candidate) => candidate.citation === citation);
      expect(passage, `citation ${citation}`).toBeDefined();
      expect(passage!.text).toContain(sentence);
    }
    const cited = [...new Set(quoted.map((entry) => entry.citation))].sort();
    expect(result.citations).toEqual(cited);
    expect(cited.length).toBeGreaterThanOrEqual(2);
    expect(result.text).not.toContain('Closing costs typically');
  });

  it('echoes the profile numbers in one neutral line', async () => {
    const result = await generator.generate({
      query: 'What are my options with a 620 credit score?',
      profile: { propertyValue: 200_000, creditScore: 620 },
      passages,
    });
    const [header] = result.text.split('\n\n');
    expect(header).toBe(`${EXTRACTIVE_LEAD_IN}\nYou mentioned a $200,000 home and a 620 credit score.`);
  });

  it('lets the profile pull in sentences about nearby score cut-offs', async () => {
    const pool: Passage[] = [
      {
        citation: 1,
        id: 'options',
        title: 'Loan options',
        score: 0.5,
        text: 'Loan options include fixed and adjustable rates. Loan options for a 580 credit score are mostly FHA loans.',
      },
    ];
    const single = new ExtractiveGenerator({ maxSentences: 1, minSentences: 1 });
    const query = 'Which loan options exist?';
    const plain = await single.generate({ query, passages: pool });
    expect(plain.text).toContain('Loan options include fixed and adjustable rates [1].');
    const withProfile = await single.generate({ query, passages: pool, profile: { creditScore: 600 } });
    expect(withProfile.text).toContain('Loan options for a 580 credit score are mostly FHA loans [1].');
    expect(withProfile.text).not.toContain('fixed and adjustable');
  });

  it('keeps a pronoun-led sentence with the sentence it depends on', async () => {
    const pmi: Passage[] = [
      {
        citation: 1,
        id: 'pmi',
        title: 'PMI',
        score: 0.4,
        text: 'Private mortgage insurance (PMI) is usually required with less than 20% equity. It can be cancelled once the loan-to-value ratio reaches 80%. Appraisals cost extra.',
      },
    ];
    const result = await generator.generate({ query: 'Can I get rid of PMI?', passages: pmi });
    expect(result.text).toContain('equity [1]. It can be cancelled once the loan-to-value ratio reaches 80% [1].');
    expect(result.text).not.toContain('Appraisals');
  });

  it('prefers sentences that contain a query phrase over scattered terms', async () => {
    const pool: Passage[] = [
      { citation: 1, id: 'heloc', title: 'HELOC', score: 0.5, text: 'A HELOC is a line of credit; its rate cap depends on your score.' },
      { citation: 2, id: 'score', title: 'Scores', score: 0.5, text: 'Your credit score sets the rate cap.' },
    ];
    const single = new ExtractiveGenerator({ maxSentences: 1, minSentences: 1 });
    const result = await single.generate({ query: 'credit score rate cap', passages: pool });
    expect(result.citations).toEqual([2]);
  });

  it('says the knowledge base does not cover unrelated questions or empty passages', async () => {
    const unrelated = await generator.generate({ query: 'What is the capital of France?', passages });
    expect(unrelated).toEqual({ text: NOT_COVERED_ANSWER, citations: [], generator: 'extractive-v1' });
    const empty = await generator.generate({ query: 'FHA down payment?', passages: [] });
    expect(empty.citations).toEqual([]);
    expect(empty.text).toBe(NOT_COVERED_ANSWER);
  });

  it('skips near-duplicate sentences across passages', async () => {
    const sentence = 'VA loans require no down payment for eligible veterans.';
    const duplicated: Passage[] = [
      { citation: 1, id: 'va1', title: 'VA', score: 0.7, text: sentence },
      { citation: 2, id: 'va2', title: 'VA again', score: 0.6, text: `${sentence} VA loans also have no monthly mortgage insurance.` },
    ];
    const result = await generator.generate({ query: 'VA loan down payment', passages: duplicated });
    expect(result.text.split(sentence.slice(0, -1)).length - 1).toBe(1);
    expect(result.text).toContain('VA loans also have no monthly mortgage insurance [2].');
  });

  it('is deterministic and honours an aborted signal', async () => {
    const input = { query: 'FHA credit score and down payment', passages };
    expect(await generator.generate(input)).toEqual(await generator.generate(input));
    await expect(generator.generate({ ...input, signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
