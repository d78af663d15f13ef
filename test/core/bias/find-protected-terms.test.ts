import { describe, expect, it } from 'vitest';
import { findProtectedTermSpans } from '../../../core/bias/find-protected-terms.ts';
import { PROTECTED_TERMS } from '../../../core/bias/protected-terms.ts';

describe('findProtectedTermSpans', () => {
  it('finds every listed term although one combined scan first rules out text naming none', () => {
    const texts = [
      'As a single mother on SSI, can I get an FHA loan?',
      'I am 45 years old and Hispanic; my husband is retired.',
      'The white paper says a single payment covers it, in the black.',
      'Lenders cannot ask about your religion or national origin.',
      'An FHA loan needs 3.5% down with a 580 credit score.',
      'snap decisions are not SNAP benefits',
    ];
    for (const text of texts) {
      const reference = PROTECTED_TERMS.flatMap(({ characteristic, pattern }) =>
        [...text.matchAll(pattern)].map((match) => ({ characteristic, start: match.index })),
      );
      const found = findProtectedTermSpans(text);
      // Idiom exclusions only remove spans; every span found is one a pattern matched.
      for (const span of found) expect(reference).toContainEqual({ characteristic: span.characteristic, start: span.start });
      if (reference.length === 0) expect(found).toEqual([]);
    }
    expect(findProtectedTermSpans('An FHA loan needs 3.5% down with a 580 credit score.')).toEqual([]);
    expect(findProtectedTermSpans('As a single mother on SSI').map((span) => span.characteristic)).toEqual(
      expect.arrayContaining(['sex', 'marital_status', 'public_assistance']),
    );
  });
});
