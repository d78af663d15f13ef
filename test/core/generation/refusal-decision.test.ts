import { describe, expect, it } from 'vitest';
import { DEFAULT_REFUSAL_THRESHOLDS, shouldAnswer, type RefusalFeatures } from '../../../core/generation/refusal-decision.ts';

const features = (overrides: Partial<RefusalFeatures>): RefusalFeatures => ({
  sentenceCoverage: 0.5,
  passageCoverage: 0.6,
  entityFound: true,
  entityMissing: false,
  relevance: 10,
  ...overrides,
});

describe('answer or refuse', () => {
  it('answers a lending question whose words a sentence and a passage cover', () => {
    expect(shouldAnswer(features({}))).toBe(true);
  });

  it('refuses when no sentence or no passage covers enough of the question', () => {
    expect(shouldAnswer(features({ sentenceCoverage: 0.16 }))).toBe(false);
    expect(shouldAnswer(features({ passageCoverage: 0.34 }))).toBe(false);
    expect(shouldAnswer(features({ sentenceCoverage: 0.17, passageCoverage: 0.35 }))).toBe(true);
  });

  it('answers an unmistakably lending question from weaker matches, down to its own lower bars', () => {
    const weak = { sentenceCoverage: 0.17, passageCoverage: 0.32 };
    expect(shouldAnswer(features({ ...weak, relevance: DEFAULT_REFUSAL_THRESHOLDS.strongRelevance }))).toBe(true);
    expect(shouldAnswer(features({ ...weak, relevance: DEFAULT_REFUSAL_THRESHOLDS.strongRelevance - 0.1 }))).toBe(false);
    expect(shouldAnswer(features({ sentenceCoverage: 0.1, passageCoverage: 0.35, relevance: 30 }))).toBe(false);
    expect(shouldAnswer(features({ sentenceCoverage: 0.17, passageCoverage: 0.25, relevance: 30 }))).toBe(false);
  });

  it('refuses a question naming a program no passage mentions, however lending-like its words', () => {
    expect(shouldAnswer(features({ entityFound: false, entityMissing: true, relevance: 40 }))).toBe(false);
  });

  it('answers a question that is not clearly about lending only when one passage covers nearly all of it', () => {
    const unclear = { entityFound: false, relevance: 3 };
    expect(shouldAnswer(features({ ...unclear, passageCoverage: 0.7 }))).toBe(false);
    expect(shouldAnswer(features({ ...unclear, passageCoverage: 0.85 }))).toBe(true);
  });
});
