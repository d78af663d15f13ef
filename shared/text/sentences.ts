/**
 * Abbreviations whose trailing dot does not end a sentence. Dotted initialisms ("e.g.", "U.S.",
 * "i.e.") and single-letter initials are recognised by shape, so they are not listed.
 */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'dr', 'st', 'jr', 'sr', 'vs', 'etc', 'inc', 'ltd', 'co', 'corp', 'no', 'approx', 'est',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'fig', 'sec', 'ch', 'mo', 'yr', 'yrs',
]);

/** A candidate boundary: terminal punctuation (plus closing quotes/brackets) followed by whitespace. */
const BOUNDARY = /[.!?]+["'”’)\]]*(?=\s)/g;
/** Blank lines and list items always start a new sentence. */
const HARD_BREAK = /\n[ \t]*\n|\n(?=[ \t]*(?:[-*•]|\d+[.)])\s)/g;

/**
 * Splits text into sentences, returning trimmed slices of the original string (verbatim, so a
 * caller can quote them). A dot only ends a sentence when followed by whitespace, which keeps
 * decimals ("3.5%") and amounts ("$200,000.00") whole; abbreviations such as "e.g.", "U.S.",
 * "Dr." and single initials do not end a sentence; blank lines and bullet lines always do.
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let blockStart = 0;
  for (const block of splitKeepingOffsets(text, HARD_BREAK)) {
    blockStart = block.start;
    let start = 0;
    for (const match of block.text.matchAll(BOUNDARY)) {
      const end = match.index + match[0].length;
      if (match[0].startsWith('.') && match[0].length === 1 && isAbbreviation(block.text, match.index)) continue;
      pushTrimmed(out, text.slice(blockStart + start, blockStart + end));
      start = end;
    }
    pushTrimmed(out, text.slice(blockStart + start, blockStart + block.text.length));
  }
  return out;
}

function splitKeepingOffsets(text: string, separator: RegExp): { start: number; text: string }[] {
  const parts: { start: number; text: string }[] = [];
  let start = 0;
  for (const match of text.matchAll(separator)) {
    parts.push({ start, text: text.slice(start, match.index) });
    start = match.index + match[0].length;
  }
  parts.push({ start, text: text.slice(start) });
  return parts;
}

/** True when the word ending at `dotIndex` is an abbreviation rather than a sentence end. */
function isAbbreviation(text: string, dotIndex: number): boolean {
  const before = text.slice(0, dotIndex);
  const word = /(\S+)$/.exec(before)?.[1] ?? '';
  const bare = word.replace(/^[("'“‘[]+/, '');
  if (/^(?:\p{L}\.)+\p{L}$/u.test(bare)) return true;
  if (/^\p{Lu}$/u.test(bare)) return true;
  if (ABBREVIATIONS.has(bare.toLowerCase())) {
    // "No." only abbreviates "number" when a digit follows; otherwise it is the word "no".
    if (bare.toLowerCase() === 'no') return /^\.\s*\d/.test(text.slice(dotIndex));
    return true;
  }
  return false;
}

function pushTrimmed(out: string[], slice: string): void {
  const trimmed = slice.trim();
  if (trimmed.length > 0) out.push(trimmed);
}
