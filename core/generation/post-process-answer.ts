export interface ProcessedAnswer {
  text: string;
  /** Valid citation numbers used in `text`, ascending. */
  citations: number[];
  /** Citation numbers the model wrote that point to no passage (removed from the text). */
  removed: number[];
}

/** `[1]`, `[1, 2]`, `[1,2,3]`, `[1-2]` and `[1–3]` (a range) citation groups. */
const CITATION_GROUP = /\s*\[(\d{1,3}(?:\s*(?:,|-|–|and)\s*\d{1,3})*)\]/g;

/**
 * Cleans a model's answer: citation groups are rewritten as separate markers (`[1][2]`) keeping
 * only numbers in `validCitations`; a group left with none is deleted, with the space before it.
 * The caller decides what an answer with no valid citation means (the resilient generator falls
 * back to the extractive answer).
 */
export function postProcessAnswer(raw: string, validCitations: ReadonlySet<number>): ProcessedAnswer {
  const used = new Set<number>();
  const removed = new Set<number>();
  const text = raw
    .replace(CITATION_GROUP, (_match, group: string) => {
      const numbers = expandGroup(group);
      const kept = numbers.filter((n) => validCitations.has(n));
      for (const n of numbers) if (!validCitations.has(n)) removed.add(n);
      for (const n of kept) used.add(n);
      return kept.length === 0 ? '' : ` ${[...new Set(kept)].map((n) => `[${n}]`).join('')}`;
    })
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, citations: [...used].sort((a, b) => a - b), removed: [...removed].sort((a, b) => a - b) };
}

function expandGroup(group: string): number[] {
  const numbers: number[] = [];
  for (const part of group.split(/\s*(?:,|and)\s*/)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      // A reversed or huge range is not a citation we can trust; keep its ends only.
      if (to < from || to - from > 20) numbers.push(from, to);
      else for (let n = from; n <= to; n++) numbers.push(n);
    } else if (/^\d+$/.test(part)) {
      numbers.push(Number(part));
    }
  }
  return numbers;
}
