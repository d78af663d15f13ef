import type { AdviceSource } from '../../shared/contracts/advice.ts';

/**
 * Keeps only the sources an answer cites and renumbers its markers to match: the first source
 * cited becomes [1], the next new one [2], and so on, so `sources[n - 1]` is what "[n]" points
 * at. `citations` are the valid marker numbers (1-based into `sources`); other bracketed numbers
 * in the text are left as they are.
 */
export function keepCitedSources(text: string, citations: readonly number[], sources: readonly AdviceSource[]): { text: string; sources: AdviceSource[] } {
  const valid = new Set(citations.filter((citation) => sources[citation - 1] !== undefined));
  const renumbered = new Map<number, number>();
  const kept: AdviceSource[] = [];
  const rewritten = text.replace(/\[(\d+)\]/g, (marker, digits: string) => {
    const citation = Number(digits);
    if (!valid.has(citation)) return marker;
    let number = renumbered.get(citation);
    if (number === undefined) {
      kept.push(sources[citation - 1]!);
      number = kept.length;
      renumbered.set(citation, number);
    }
    return `[${number}]`;
  });
  return { text: rewritten, sources: kept };
}
