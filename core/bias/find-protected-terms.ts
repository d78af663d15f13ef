import type { ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import { NON_PROTECTED_PHRASES, PROTECTED_TERMS } from './protected-terms.ts';

/** One protected-term match: the basis, the lower-cased matched text and where it lies in the text. */
export interface ProtectedTermSpan {
  characteristic: ProtectedCharacteristic;
  term: string;
  start: number;
  end: number;
}

/**
 * Every term's pattern in one alternation per flag set (case-insensitive, case-sensitive): most
 * text (answer sentences, questions) names no protected term, and one scan says so where running
 * each of the ~100 patterns would not. Not global, so `test` keeps no state between calls.
 */
const ANY_PROTECTED_TERM: readonly RegExp[] = (() => {
  const sources = new Map<string, string[]>();
  for (const { pattern } of PROTECTED_TERMS) {
    const flags = pattern.flags.replace('g', '');
    sources.set(flags, [...(sources.get(flags) ?? []), `(?:${pattern.source})`]);
  }
  return [...sources].map(([flags, alternatives]) => new RegExp(alternatives.join('|'), flags));
})();

/**
 * Every protected-term match in `text`, in order of appearance, minus those inside idioms
 * ("in the black", "white paper"). One span can match two bases ("single mother": sex and
 * marital status); both are returned, but a match inside a longer one of the same basis is not.
 */
export function findProtectedTermSpans(text: string): ProtectedTermSpan[] {
  if (text.length === 0 || !ANY_PROTECTED_TERM.some((pattern) => pattern.test(text))) return [];
  const excluded = NON_PROTECTED_PHRASES.flatMap((phrase) =>
    [...text.matchAll(phrase)].map((match) => [match.index, match.index + match[0].length] as const),
  );
  const found: ProtectedTermSpan[] = [];
  for (const { characteristic, pattern } of PROTECTED_TERMS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (excluded.some(([from, to]) => start < to && end > from)) continue;
      found.push({ characteristic, term: match[0].toLowerCase().replace(/\s+/g, ' '), start, end });
    }
  }
  // "single mother" is one sex mention, not also "mother": a span inside a longer one of the same basis goes.
  const inside = (span: ProtectedTermSpan) =>
    found.some((other) => other !== span && other.characteristic === span.characteristic && other.start <= span.start && other.end >= span.end && other.end - other.start > span.end - span.start);
  return found.filter((span) => !inside(span)).sort((a, b) => a.start - b.start || a.end - b.end);
}
