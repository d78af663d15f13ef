import { describe, expect, it } from 'vitest';
import {
  adviceCacheKey,
  canonicalProfile,
  liveIndexVersionKey,
  normalizeQueryForCache,
  sha256Hex,
} from '../../../shared/cache/advice-cache-key.ts';

const KEY = /^apfa:advice:v7:[0-9a-f]{64}$/;

describe('normalizeQueryForCache', () => {
  it.each([
    ['What is APR?', 'what is apr'],
    ['  what   is\tAPR ?!. ', 'what is apr'],
    ['What’s a “jumbo” loan?', `what's a "jumbo" loan`],
    ['ＷＨＡＴ is APR', 'what is apr'],
    ['15‑year vs 30–year?', '15-year vs 30-year'],
  ])('%j → %j', (query, expected) => {
    expect(normalizeQueryForCache(query)).toBe(expected);
  });
});

describe('canonicalProfile', () => {
  it('sorts keys and drops undefined values', () => {
    const profile = canonicalProfile({ state: 'TX', creditScore: 620, loanAmount: undefined, annualIncome: 80_000 });
    expect(Object.keys(profile)).toEqual(['annualIncome', 'creditScore', 'state']);
    expect(profile).toEqual({ annualIncome: 80_000, creditScore: 620, state: 'TX' });
    expect(canonicalProfile(undefined)).toEqual({});
  });
});

describe('sha256Hex', () => {
  it('hashes strings and bytes alike', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(await sha256Hex('abc'));
  });
});

describe('adviceCacheKey', () => {
  const profile = { creditScore: 620, propertyValue: 200_000 };

  it('has the documented shape', async () => {
    const key = await adviceCacheKey({ indexVersion: 'v7', query: 'What is APR?' });
    expect(key).toMatch(KEY);
    expect(key).toBe(`apfa:advice:v7:${await sha256Hex(JSON.stringify({ q: 'what is apr', p: {} }))}`);
    expect(await adviceCacheKey({ prefix: 'test:', indexVersion: 'idx-2024.1', query: 'What is APR?' })).toMatch(
      /^test:advice:idx-2024\.1:[0-9a-f]{64}$/,
    );
  });

  it('gives a different key for a different prefix, with the same hash after it', async () => {
    const apfa = await adviceCacheKey({ indexVersion: 'v7', query: 'What is APR?', profile });
    const tenant = await adviceCacheKey({ prefix: 'tenant-b:', indexVersion: 'v7', query: 'What is APR?', profile });
    expect(tenant).not.toBe(apfa);
    expect(tenant.slice('tenant-b:'.length)).toBe(apfa.slice('apfa:'.length));
  });

  it('gives the same key for the same question with different spacing, case and trailing ?', async () => {
    const keys = await Promise.all(
      ['What is APR?', 'what is apr', '  WHAT  is APR ? ', 'What is APR!!', 'What\tis APR.'].map((query) =>
        adviceCacheKey({ indexVersion: 'v7', query, profile }),
      ),
    );
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(KEY);
  });

  it('keeps questions apart that differ in more than spacing, case and trailing punctuation', async () => {
    const keys = await Promise.all(
      ['What is APR?', 'What is PMI?', 'What is APR for?', 'What is A PR?'].map((query) => adviceCacheKey({ indexVersion: 'v7', query, profile })),
    );
    expect(new Set(keys).size).toBe(4);
  });

  it('ignores profile key order and undefined fields', async () => {
    const a = await adviceCacheKey({ indexVersion: 'v7', query: 'q?', profile: { creditScore: 620, propertyValue: 200_000 } });
    const b = await adviceCacheKey({ indexVersion: 'v7', query: 'q?', profile: { propertyValue: 200_000, loanAmount: undefined, creditScore: 620 } });
    expect(a).toBe(b);
  });

  it('gives a different key for a different profile', async () => {
    const base = await adviceCacheKey({ indexVersion: 'v7', query: 'What is APR?', profile });
    expect(await adviceCacheKey({ indexVersion: 'v7', query: 'What is APR?', profile: { ...profile, creditScore: 700 } })).not.toBe(base);
    expect(await adviceCacheKey({ indexVersion: 'v7', query: 'What is APR?' })).not.toBe(base);
  });

  it('gives a different key for a different index version or question', async () => {
    const base = await adviceCacheKey({ indexVersion: 'v7', query: 'What is APR?', profile });
    expect(await adviceCacheKey({ indexVersion: 'v8', query: 'What is APR?', profile })).not.toBe(base);
    expect(await adviceCacheKey({ indexVersion: 'v7', query: 'What is PMI?', profile })).not.toBe(base);
  });
});

describe('liveIndexVersionKey', () => {
  it('defaults to the apfa: prefix', () => {
    expect(liveIndexVersionKey()).toBe('apfa:index:live');
    expect(liveIndexVersionKey('t1:')).toBe('t1:index:live');
  });
});
