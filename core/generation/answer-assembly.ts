import type { Passage } from '../ports/generator.ts';
import { CONTINUATION, type ScoredSentence, type SourceSentence } from './sentence-scoring.ts';

/** A computed figure shown in the answer: a sentence with its inputs and result, and the passage id of its rule. */
export interface FigureLine {
  text: string;
  sourceDocumentId?: string | undefined;
}

export interface SelectionOptions {
  /** Most quoted sentences (default 5). */
  maxSentences: number;
  /** Sentences always taken when relevant ones exist (default 3); more only when nearly as good as the best. */
  minSentences: number;
  /** Token-set Jaccard similarity at or above which two sentences count as one (the better one is kept). */
  duplicateThreshold: number;
  /** Sentences scoring below this share of the best are never taken. */
  relevanceFloor: number;
  /** Beyond `minSentences`, sentences scoring below this share of the best are not taken. */
  extraFloor: number;
  /** Multiplier for sentences of the lead's passage when choosing the rest. */
  samePassageBoost: number;
}

/** The answer's sentences: the lead (with the sentence it leans on, if any) and the rest in reading order. */
export interface SelectedSentences {
  lead: SourceSentence[];
  rest: SourceSentence[];
}

/**
 * Picks the answer's sentences: the best first (the lead), then the next best that say something
 * new (of two near-duplicates the better is kept), stopping early when the rest fall well below
 * the lead. A pronoun-led sentence ("It…") brings the sentence it leans on, and a picked sentence
 * other than the lead brings a pronoun-led one that follows it while there is room. The rest are ordered to read as
 * one answer: the lead's passage in its own order, then the other passages, best first.
 */
export function selectSentences(ranked: readonly ScoredSentence[], all: readonly SourceSentence[], options: SelectionOptions): SelectedSentences {
  // The lead must say something about the question itself: a sentence that only borrows its
  // passage title's or neighbour's words ("If you consider one, calculate…") never opens the answer.
  const best = ranked.find((sentence) => sentence.coverage > 0 || sentence.leansOnPrevious) ?? ranked[0];
  if (best === undefined) return { lead: [], rest: [] };
  const picked: SourceSentence[] = [];
  const has = (sentence: SourceSentence) => picked.some((other) => same(other, sentence));
  const neighbour = (sentence: SourceSentence, offset: number) =>
    all.find((other) => other.passage === sentence.passage && other.position === sentence.position + offset);
  const take = (sentence: ScoredSentence): void => {
    if (has(sentence)) return;
    const before = CONTINUATION.test(sentence.text) || sentence.leansOnPrevious ? neighbour(sentence, -1) : undefined;
    if (before && !has(before) && picked.length + 2 <= options.maxSentences) picked.push(before);
    picked.push(sentence);
  };
  take(best);
  const lead = [...picked];
  // The lead's passage usually holds the rest of the answer, and one source reads as one answer.
  const worth = (candidate: ScoredSentence) => candidate.score * (candidate.passage === best.passage ? options.samePassageBoost : 1);
  const rest = ranked.filter((sentence) => sentence !== best).sort((a, b) => worth(b) - worth(a));
  for (const candidate of rest) {
    if (picked.length >= options.maxSentences) break;
    if (worth(candidate) < options.relevanceFloor * best.score) break;
    if (picked.length >= options.minSentences && worth(candidate) < options.extraFloor * best.score) break;
    if (has(candidate) || picked.some((other) => jaccard(other.terms, candidate.terms) >= options.duplicateThreshold)) continue;
    take(candidate);
  }
  // Not after the lead: the sentences that answer best come next, in their passage's order.
  for (const sentence of picked.filter((sentence) => !lead.includes(sentence))) {
    if (picked.length >= options.maxSentences) break;
    const next = neighbour(sentence, 1);
    if (next && CONTINUATION.test(next.text) && !has(next)) picked.push(next);
  }
  // Best first, so what answers the question comes early; a sentence that leans on the one before
  // it ("It…") stays right after it.
  const value = (sentence: SourceSentence) => {
    const scored = ranked.find((candidate) => same(candidate, sentence));
    return scored === undefined ? 0 : worth(scored);
  };
  const others: SourceSentence[] = [];
  const remaining = picked.filter((sentence) => !lead.includes(sentence)).sort((a, b) => value(b) - value(a));
  const leansOn = (sentence: SourceSentence) =>
    CONTINUATION.test(sentence.text) || ranked.find((candidate) => same(candidate, sentence))?.leansOnPrevious === true
      ? remaining.find((other) => other.passage === sentence.passage && other.position === sentence.position - 1)
      : undefined;
  for (const sentence of remaining) {
    if (others.includes(sentence)) continue;
    const antecedent = leansOn(sentence);
    if (antecedent && !others.includes(antecedent)) others.push(antecedent);
    others.push(sentence);
    const next = remaining.find((other) => other.passage === sentence.passage && other.position === sentence.position + 1 && leansOn(other) === sentence);
    if (next && !others.includes(next)) others.push(next);
  }
  return { lead, rest: others };
}

/**
 * Writes the answer: the lead, the worked figures and the figure problems stated plainly, then
 * the remaining sentences. With `figuresFirst` the figures open the answer and the problems
 * close it; with no figures the problems close it too ("To work out the cost of the points I
 * need the loan amount" after what a point costs): a problem never comes before what answers
 * the question. Every quoted sentence and
 * every figure whose rule's passage was retrieved carries that passage's citation marker.
 */
export function assembleAnswer(
  selected: SelectedSentences,
  figures: readonly FigureLine[],
  figureProblems: readonly string[],
  passages: readonly Passage[],
  figuresFirst: boolean,
): { text: string; citations: number[] } {
  const citations = new Set<number>();
  const cite = (text: string, citation: number | undefined): string => {
    if (citation === undefined) return text;
    citations.add(citation);
    return withCitation(text, citation);
  };
  const quote = (sentences: readonly SourceSentence[]) => sentences.map((sentence) => cite(sentence.text, sentence.passage.citation));
  const figureLines = figures
    .map((figure) => cite(figure.text.trim(), passages.find((passage) => passage.id === figure.sourceDocumentId)?.citation))
    .filter((line) => line.length > 0);
  const problemLines = figureProblems.map((problem) => problem.trim()).filter((line) => line.length > 0);
  const lead = quote(selected.lead);
  const rest = quote(selected.rest);
  // A figure problem ("I need the loan amount") answers nothing, so it never comes before the quoted answer.
  const paragraphs =
    figuresFirst && figureLines.length > 0
      ? [figureLines, [...lead, ...rest], problemLines]
      : figureLines.length === 0
        ? [[...lead, ...rest], problemLines]
        : [lead, [...figureLines, ...problemLines], rest];
  const text = paragraphs
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => paragraph.join(' '))
    .join('\n\n');
  return { text, citations: [...citations].sort((a, b) => a - b) };
}

/** Puts " [n]" before the sentence's closing punctuation, or at its end when it has none. */
export function withCitation(sentence: string, citation: number): string {
  const closing = /[.!?]+["'”’)\]]*$/.exec(sentence);
  if (!closing) return `${sentence} [${citation}]`;
  return `${sentence.slice(0, closing.index)} [${citation}]${closing[0]}`;
}

function same(a: SourceSentence, b: SourceSentence): boolean {
  return a.passage === b.passage && a.position === b.position;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}
