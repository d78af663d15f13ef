import { stem } from './stem.ts';
import { STOPWORDS } from './stopwords.ts';

/** How often a retrieval term (a stem) occurs in the knowledge base: documents holding it, 0 when none. */
export type TermFrequency = (term: string) => number;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const WORD = /\p{L}+(?:['’]\p{L}+)*/gu;

/** Whether a lower-case word is an English word (a dictionary the caller has loaded). */
export type IsWord = (lowerCaseWord: string) => boolean;

/**
 * Corrects a borrower's misspelt words against the knowledge base's own vocabulary: a word of
 * five or more letters whose stem the knowledge base never uses is replaced by the word that
 * restores one left-out letter or un-swaps two neighbours ("apprasal" → "appraisal", "offerd" →
 * "offered", "polcy" → "policy") whose stem the knowledge base uses most (in at least two
 * documents). Known, short and stop words, and words with no such neighbour, are left exactly as
 * written, so a correct question comes back unchanged. A leading capital is kept.
 *
 * With an English dictionary (`isWord`), a real word is never corrected, however rare in the
 * guide ("realtor", "miles", "widowed" and "fined" stay, where the guide's vocabulary alone makes
 * them "relator", "mailes", "windowed" and "finded"), and a word of six letters or more may also
 * have one letter changed or one too many ("seperate" → "separate", "refinanse" → "refinance",
 * "qualifiy" → "qualify") when no left-out letter or swap explains it; an English word is
 * preferred to a non-word. Without a dictionary, changed and extra letters are not tried: they too
 * often turn a real word into another ("normal" → "formal").
 */
export function correctSpelling(text: string, frequency: TermFrequency, options: { isWord?: IsWord | undefined } = {}): { text: string; corrected: { from: string; to: string }[] } {
  const { isWord } = options;
  const corrected: { from: string; to: string }[] = [];
  const out = text.replace(WORD, (word) => {
    const lower = word.toLowerCase();
    if (lower.length < 5 || !/^[a-z]+$/.test(lower) || STOPWORDS.has(lower) || frequency(stem(lower)) > 0) return word;
    if (isWord?.(lower)) return word;
    // Left-out letters and swapped neighbours first; a changed or an extra letter only with a dictionary, and only when neither finds a word.
    let best = bestCandidate(lower, oneEditAway(lower), frequency, isWord);
    if (best === undefined && isWord !== undefined && lower.length >= SUBSTITUTION_MIN_LENGTH) best = bestCandidate(lower, oneChangeAway(lower), frequency, isWord);
    if (best === undefined) return word;
    corrected.push({ from: word, to: best });
    return /^\p{Lu}/u.test(word) ? best.charAt(0).toUpperCase() + best.slice(1) : best;
  });
  return { text: out, corrected };
}

/** Shortest word that may have a letter changed or taken out (with a dictionary guarding real words). */
const SUBSTITUTION_MIN_LENGTH = 6;

/** Every word with one letter added or two neighbours swapped, deduplicated. */
function oneEditAway(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));
    for (const letter of LETTERS) out.add(head + letter + tail);
  }
  out.delete(word);
  return out;
}

/** Every word with one letter changed or one letter left out, deduplicated. */
function oneChangeAway(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) {
    const head = word.slice(0, i);
    const rest = word.slice(i + 1);
    out.add(head + rest);
    for (const letter of LETTERS) out.add(head + letter + rest);
  }
  out.delete(word);
  return out;
}

/**
 * The candidate whose stem the knowledge base uses in the most documents (two at least): an English
 * word before a non-word, then the commoner stem, then, for the same stem, the longer word — a letter
 * left out is the commoner slip ("offerd" → "offered").
 */
function bestCandidate(word: string, candidates: ReadonlySet<string>, frequency: TermFrequency, isWord: IsWord | undefined): string | undefined {
  let best: { word: string; rank: [number, number, number] } | undefined;
  for (const candidate of candidates) {
    const candidateStem = stem(candidate);
    const english = isWord?.(candidate) === true;
    // A stem much shorter than its word means the added letter made a suffix, not a word ("really" → "realely" → real).
    if (!english && candidate.length > word.length && candidateStem.length < candidate.length - 2) continue;
    const count = frequency(candidateStem);
    if (count < 2) continue;
    const rank: [number, number, number] = [english ? 1 : 0, count, candidate.length];
    if (best === undefined || isBetter(rank, best.rank)) best = { word: candidate, rank };
  }
  return best?.word;
}

/** Lexicographic comparison of two ranks: the first difference decides. */
function isBetter(rank: readonly number[], than: readonly number[]): boolean {
  for (const [i, value] of rank.entries()) {
    if (value !== than[i]) return value > than[i]!;
  }
  return false;
}
