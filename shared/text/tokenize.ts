import { stem } from './stem.ts';
import { STOPWORDS } from './stopwords.ts';

/** Letters/digits, optionally joined by an apostrophe, dot or comma that sits between two of them. */
const RAW_TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’.,][\p{L}\p{M}\p{N}]+)*/gu;
const THOUSANDS = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const DECIMAL = /^\d+\.\d+$/;

/**
 * Splits text into normalised retrieval terms.
 *
 * - NFKC then lower case, so full-width digits and ligatures match their plain forms.
 * - Numbers stay whole: "$200,000" → "200000" (thousands separators dropped), "3.5%" → "3.5",
 *   "3.50" → "3.5", "200.00" → "200"; letter-digit mixes such as "401k" stay one term.
 *   Dots and commas between letters split ("e.g." → dropped single letters).
 * - Possessive "'s" is dropped and other apostrophes removed ("don't" → "dont", a stopword).
 * - Single letters and a small stoplist are dropped; the rest go through a light Porter stemmer.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const match of normalised.matchAll(RAW_TOKEN)) {
    for (const piece of splitRawToken(match[0])) {
      if (piece.length === 1 && !/\d/.test(piece)) continue;
      if (STOPWORDS.has(piece)) continue;
      out.push(stem(piece));
    }
  }
  return out;
}

function splitRawToken(raw: string): string[] {
  const token = raw.replace(/['’]s$/, '').replace(/['’]/g, '');
  if (!/[.,]/.test(token)) return [token];
  if (THOUSANDS.test(token)) return [trimDecimal(token.replace(/,/g, ''))];
  if (DECIMAL.test(token)) return [trimDecimal(token)];
  return token.split(/[.,]/).filter((part) => part.length > 0);
}

function trimDecimal(number: string): string {
  if (!number.includes('.')) return number;
  return number.replace(/0+$/, '').replace(/\.$/, '');
}
