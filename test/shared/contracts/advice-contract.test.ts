import { describe, expect, it } from 'vitest';
import { AdviceRequestSchema } from '../../../shared/contracts/advice.ts';
import { adviceContentHash } from '../../../shared/cache/advice-cache-key.ts';

const MONEY_FIELDS = ['loanAmount', 'propertyValue', 'downPayment', 'annualIncome', 'monthlyDebt'] as const;

describe('AdviceRequestSchema: one value per number, so both tiers agree', () => {
  it.each(MONEY_FIELDS)('%s: -0 is read as +0 (same parsed value, same cache key, same text)', async (field) => {
    const negative = AdviceRequestSchema.parse(JSON.parse(`{"query":"What is PMI on a home?","profile":{"${field}":-0}}`));
    const positive = AdviceRequestSchema.parse({ query: 'What is PMI on a home?', profile: { [field]: 0 } });
    const value = negative.profile?.[field];
    expect(Object.is(value, 0)).toBe(true);
    expect(String(value?.toLocaleString())).toBe('0');
    expect(await adviceContentHash(negative.query, negative.profile)).toBe(await adviceContentHash(positive.query, positive.profile));
  });

  it('still refuses negative amounts and -0 where zero is out of range', () => {
    expect(AdviceRequestSchema.safeParse({ query: 'What is PMI on a home?', profile: { loanAmount: -1 } }).success).toBe(false);
    expect(AdviceRequestSchema.safeParse({ query: 'What is PMI on a home?', profile: { creditScore: -0 } }).success).toBe(false);
    expect(AdviceRequestSchema.safeParse({ query: 'What is PMI on a home?', profile: { loanTermYears: -0 } }).success).toBe(false);
  });
});
