import { stem } from './stem.ts';
import { STOPWORDS } from './stopwords.ts';

/** How often a retrieval term (a stem) occurs in the knowledge base: documents holding it, 0 when none. */
export type TermFrequency = (term: string) => number;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const WORD = /\p{L}+(?:['’]\p{L}+)*/gu;

/**
 * Corrects a borrower's misspelt words against the knowledge base's own vocabulary: a word of
 * five or more letters whose stem the knowledge base never uses is replaced by the word that
 * restores one left-out letter or un-swaps two neighbours ("apprasal" → "appraisal", "offerd" →
 * "offered", "polcy" → "policy") whose stem the knowledge base uses most (in at least two
 * documents). Changed or extra letters are not tried: without an English dictionary they turn
 * real words the guide does not use into ones it does ("normal" → "formal", "miles" → "files").
 * Known, short and stop words, and words with no such neighbour, are left exactly as written, so
 * a correct question comes back unchanged. A leading capital is kept.
 */
export function correctSpelling(text: string, frequency: TermFrequency): { text: string; corrected: { from: string; to: string }[] } {
  const corrected: { from: string; to: string }[] = [];
  const out = text.replace(WORD, (word) => {
    const lower = word.toLowerCase();
    if (lower.length < 5 || !/^[a-z]+$/.test(lower) || STOPWORDS.has(lower) || frequency(stem(lower)) > 0) return word;
    let best: string | undefined;
    let bestCount = 1;
    for (const candidate of oneEditAway(lower)) {
      const candidateStem = stem(candidate);
      // A stem much shorter than its word means the added letter made a suffix, not a word ("really" → "realely" → real).
      if (candidateStem.length < candidate.length - 2) continue;
      const count = frequency(candidateStem);
      // On a tie (the same stem) the longer word: a letter left out is the commoner slip ("offerd" → "offered").
      if (count > bestCount || (count === bestCount && count > 0 && best !== undefined && candidate.length > best.length)) {
        best = candidate;
        bestCount = count;
      }
    }
    if (best === undefined) return word;
    corrected.push({ from: word, to: best });
    return /^\p{Lu}/u.test(word) ? best.charAt(0).toUpperCase() + best.slice(1) : best;
  });
  return { text: out, corrected };
}

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
