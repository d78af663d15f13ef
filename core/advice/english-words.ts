import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';
import type { IsWord } from '../../shared/text/spelling.ts';

/**
 * Words borrowers write that the dictionary lacks — apps, payment services and slang — so that
 * "guy on insta says…" is not "corrected" to "instal" (and retrieved as installment loans).
 */
const INFORMAL: ReadonlySet<string> = new Set(['insta', 'instagram', 'tiktok', 'youtube', 'reddit', 'venmo', 'zelle', 'paypal', 'cashapp', 'whatsapp', 'lemme', 'gonna', 'wanna', 'gotta', 'kinda', 'sorta', 'dunno', 'gimme']);

/**
 * The English dictionary spelling correction consults so that it never "corrects" a real word the
 * knowledge base happens not to use ("realtor", "widowed"): the `word-list` package's 274,000
 * lower-case words, read on the first lookup (about 25 ms) and kept as one sorted string with
 * offsets (about 4 MB, two objects for the garbage collector, not 274,000), and the informal words above. A missing or unreadable
 * file means no dictionary: every word but the informal ones counts as unknown, which is spelling correction's behaviour
 * without one, never an error on the advice path.
 */
export function englishWords(path: string = wordListPath): IsWord {
  let table: { text: string; starts: Uint32Array } | undefined;
  const load = () => {
    let words: string[];
    try {
      words = readFileSync(path, 'utf8').split('\n').filter((word) => /^[a-z]+$/.test(word));
    } catch {
      words = [];
    }
    words.sort();
    const starts = new Uint32Array(words.length + 1);
    let offset = 0;
    for (const [i, word] of words.entries()) {
      starts[i] = offset;
      offset += word.length;
    }
    starts[words.length] = offset;
    return { text: words.join(''), starts };
  };
  return (word) => {
    if (INFORMAL.has(word)) return true;
    table ??= load();
    const { text, starts } = table;
    let low = 0;
    let high = starts.length - 2;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = text.slice(starts[middle], starts[middle + 1]);
      if (candidate === word) return true;
      if (candidate < word) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  };
}
