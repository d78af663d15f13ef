import type { ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import { LETTER_AFTER, LETTER_BEFORE, NON_PROTECTED_PHRASES, PROTECTED_TERMS } from './protected-terms.ts';

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
 * each of the ~270 patterns would not. The whole-word boundaries the terms share are written once
 * around the alternation, not once in each alternative: with them in each, the scan tried every
 * term's lookbehind at every position (≈ 4 ms for a 2 KB answer, half an uncached answer's CPU at
 * 100k documents), once it costs ≈ 0.15 ms. Not global, so `test` keeps no state between calls.
 */
const ANY_PROTECTED_TERM: readonly RegExp[] = (() => {
  const words = new Map<string, string[]>();
  const others: RegExp[] = [];
  for (const { pattern, word } of PROTECTED_TERMS) {
    const flags = pattern.flags.replace('g', '');
    if (word === undefined) others.push(new RegExp(pattern.source, flags));
    else words.set(flags, [...(words.get(flags) ?? []), `(?:${word})`]);
  }
  return [...[...words].map(([flags, alternatives]) => new RegExp(`${LETTER_BEFORE}(?:${alternatives.join('|')})${LETTER_AFTER}`, flags)), ...others];
})();

/**
 * Every protected-term match in `text`, in order of appearance, minus those inside idioms
 * ("in the black", "white paper"). One span can match two bases ("single mother": sex and
 * marital status); both are returned, but a match inside a longer one of the same basis is not.
 */
export function findProtectedTermSpans(text: string): ProtectedTermSpan[] {
  if (text.length === 0) return [];
  if (!ANY_PROTECTED_TERM.some((pattern) => pattern.test(text))) return [...misspeltTerms(text), ...hashtagTerms(text)].sort((a, b) => a.start - b.start);
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
  for (const span of misspeltTerms(text)) if (!found.some((other) => other.start <= span.start && other.end >= span.end)) found.push(span);
  for (const span of hashtagTerms(text)) if (!found.some((other) => other.start <= span.start && other.end >= span.end)) found.push(span);
  // "single mother" is one sex mention, not also "mother": a span inside a longer one of the same basis goes.
  const inside = (span: ProtectedTermSpan) =>
    found.some((other) => other !== span && other.characteristic === span.characteristic && other.start <= span.start && other.end >= span.end && other.end - other.start > span.end - span.start);
  return found.filter((span) => !inside(span)).sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Words of race, religion and national origin a borrower may misspell ("hispanc", "caucasion",
 * "buddist"): six letters or more, none a common English word one letter away from another
 * ("indian" is left out: "Indiana"; marital words too: "married"/"carried", "widowed"/"windowed").
 */
const MISSPELLABLE: ReadonlyMap<string, ProtectedCharacteristic> = new Map([
  ...['hispanic', 'caucasian', 'african', 'latino', 'latina'].map((word) => [word, 'race'] as const),
  ...['catholic', 'christian', 'muslim', 'jewish', 'buddhist', 'mormon', 'protestant', 'baptist', 'methodist', 'lutheran', 'evangelical', 'atheist', 'agnostic'].map((word) => [word, 'religion'] as const),
  ...['mexican', 'chinese', 'filipino', 'vietnamese', 'korean', 'nigerian', 'haitian', 'immigrant', 'salvadoran', 'guatemalan', 'honduran', 'dominican', 'colombian', 'venezuelan', 'pakistani'].map(
    (word) => [word, 'national_origin'] as const,
  ),
]);

/** For a word's length, {@link MISSPELLABLE}'s words one letter shorter, as long or one longer, in its order: the only ones one edit away. */
const MISSPELLABLE_NEAR_LENGTH: ReadonlyMap<number, readonly (readonly [string, ProtectedCharacteristic])[]> = (() => {
  const near = new Map<number, [string, ProtectedCharacteristic][]>();
  for (const entry of MISSPELLABLE) {
    for (const length of [entry[0].length - 1, entry[0].length, entry[0].length + 1]) near.set(length, [...(near.get(length) ?? []), entry]);
  }
  return near;
})();

/** Words one letter away (left out, added, changed or two swapped) from a word of {@link MISSPELLABLE}. */
function misspeltTerms(text: string): ProtectedTermSpan[] {
  const spans: ProtectedTermSpan[] = [];
  for (const match of text.matchAll(/\p{L}{5,}/gu)) {
    const word = match[0].toLowerCase();
    if (MISSPELLABLE.has(word) || MISSPELLABLE.has(word.replace(/s$/u, ''))) continue;
    const found = MISSPELLABLE_NEAR_LENGTH.get(word.length)?.find(([term]) => oneEditApart(word, term));
    if (found) spans.push({ characteristic: found[1], term: word, start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    let first = -1;
    let second = -1;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (first === -1) first = i;
      else if (second === -1) second = i;
      else return false;
    }
    return second === -1 || (second === first + 1 && a[first] === b[second] && a[second] === b[first]);
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

/**
 * A hashtag naming a basis ("#BlackHomeowners", "#justdivorced"): its words, split at capitals or
 * after an everyday prefix, are read like any text, and the whole tag is the mention.
 */
function hashtagTerms(text: string): ProtectedTermSpan[] {
  const spans: ProtectedTermSpan[] = [];
  for (const match of text.matchAll(/#([\p{L}\p{N}_]+)/gu)) {
    const words = match[1]!
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/_/gu, ' ')
      .replace(/^(just|newly|recently|proud|happily)(?=\p{Ll})/iu, '$1 ');
    // The tag's words read as any text is read (idioms excluded, misspellings included); no '#' is left, so no recursion.
    const inside = findProtectedTermSpans(words)[0];
    if (inside) spans.push({ characteristic: inside.characteristic, term: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
  }
  return spans;
}
