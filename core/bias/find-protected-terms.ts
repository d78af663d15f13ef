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

/** Words one letter away (left out, added, changed or two swapped) from a word of {@link MISSPELLABLE}. */
function misspeltTerms(text: string): ProtectedTermSpan[] {
  const spans: ProtectedTermSpan[] = [];
  for (const match of text.matchAll(/\p{L}{5,}/gu)) {
    const word = match[0].toLowerCase();
    if (MISSPELLABLE.has(word) || MISSPELLABLE.has(word.replace(/s$/u, ''))) continue;
    for (const [term, characteristic] of MISSPELLABLE) {
      if (Math.abs(term.length - word.length) <= 1 && oneEditApart(word, term)) {
        spans.push({ characteristic, term: word, start: match.index, end: match.index + match[0].length });
        break;
      }
    }
  }
  return spans;
}

function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diff = [...a].flatMap((letter, i) => (letter === b[i] ? [] : [i]));
    return diff.length === 1 || (diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!]);
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
