import type { GenerationInput, GenerationResult, Generator, Passage } from '../ports/generator.ts';
import { sentences } from '../../shared/text/sentences.ts';
import { tokenize } from '../../shared/text/tokenize.ts';
import { describeProfile, profileTerms } from './profile-summary.ts';

export const EXTRACTIVE_GENERATOR_ID = 'extractive-v1';
export const EXTRACTIVE_LEAD_IN = 'Here is what the sources say about your question:';
export const NOT_COVERED_ANSWER =
  'The knowledge base does not cover this question, so there is no sourced answer to give. ' +
  'A licensed loan officer or HUD-approved housing counselor can help with it.';

export interface ExtractiveGeneratorOptions {
  /** Most sentences in an answer (default 5). */
  maxSentences?: number;
  /** Sentences always taken when relevant ones exist (default 3); more only when nearly as good as the best. */
  minSentences?: number;
  /** Share of the query's term weight the best sentence must match, else the question is "not covered" (default 0.2). */
  minCoverage?: number;
  /** Token-set Jaccard similarity at or above which a sentence counts as a near-duplicate (default 0.6). */
  duplicateThreshold?: number;
}

interface Sentence {
  text: string;
  passage: Passage;
  passageOrder: number;
  position: number;
  terms: ReadonlySet<string>;
  pairs: ReadonlySet<string>;
}

interface Candidate extends Sentence {
  coverage: number;
  score: number;
}

/** A sentence that only makes sense after the one before it ("It can be cancelled once…"). */
const CONTINUATION = /^(?:it|this|that|these|those|they|such)\b/i;

/**
 * Composes answers only from sentences of the retrieved passages: no model, no invented facts.
 * Sentences are scored by the IDF-weighted share of the query's stemmed terms (and adjacent
 * term pairs, so "credit score" beats "line of credit") they contain, plus light weight for terms
 * suggested by the borrower profile and for the passage's retrieval score. The best 3–5 are taken
 * from at least two passages when two have relevant sentences, near-duplicates skipped, a
 * following "It…/This…" sentence kept with its antecedent, each quoted verbatim with its citation
 * marker placed before the final punctuation ("… 3.5% down [1]."), and grouped by passage.
 * Deterministic for a given input.
 */
export class ExtractiveGenerator implements Generator {
  readonly id = EXTRACTIVE_GENERATOR_ID;
  readonly #maxSentences: number;
  readonly #minSentences: number;
  readonly #minCoverage: number;
  readonly #duplicateThreshold: number;

  constructor(options: ExtractiveGeneratorOptions = {}) {
    this.#maxSentences = options.maxSentences ?? 5;
    this.#minSentences = Math.min(options.minSentences ?? 3, this.#maxSentences);
    this.#minCoverage = options.minCoverage ?? 0.2;
    this.#duplicateThreshold = options.duplicateThreshold ?? 0.6;
  }

  async generate(input: GenerationInput): Promise<GenerationResult> {
    input.signal?.throwIfAborted();
    const { ranked, all } = this.#score(input);
    const best = ranked[0];
    if (best === undefined || best.coverage < this.#minCoverage) {
      input.onToken?.(NOT_COVERED_ANSWER);
      return { text: NOT_COVERED_ANSWER, citations: [], generator: this.id };
    }
    const picked = this.#withContinuations(this.#select(ranked), all);
    const profileLine = describeProfile(input.profile);
    const paragraphs = groupByPassage(picked).map((group) =>
      group.map((candidate) => withCitation(candidate.text, candidate.passage.citation)).join(' '),
    );
    const header = profileLine === null ? EXTRACTIVE_LEAD_IN : `${EXTRACTIVE_LEAD_IN}\n${profileLine}`;
    const citations = [...new Set(picked.map((candidate) => candidate.passage.citation))].sort((a, b) => a - b);
    const text = [header, ...paragraphs].join('\n\n');
    // Written all at once: a streaming caller gets the whole answer as one token.
    input.onToken?.(text);
    return { text, citations, generator: this.id };
  }

  /** All sentences that share at least one query term, best first. */
  #score(input: GenerationInput): { ranked: Candidate[]; all: Sentence[] } {
    const queryTokens = tokenize(input.query);
    const queryTerms = new Set(queryTokens);
    const queryPairs = new Set(adjacentPairs(queryTokens));
    const extraTerms = new Set(tokenize(profileTerms(input.profile)).filter((term) => !queryTerms.has(term)));
    const all: Sentence[] = input.passages.flatMap((passage, passageOrder) =>
      sentences(passage.text).map((text, position) => {
        const tokens = tokenize(text);
        return { text, passage, passageOrder, position, terms: new Set(tokens), pairs: new Set(adjacentPairs(tokens)) };
      }),
    );
    // Sentence-level IDF: a query term found in few sentences says more than one found in all.
    const sentenceFrequency = new Map<string, number>();
    for (const sentence of all) for (const term of sentence.terms) sentenceFrequency.set(term, (sentenceFrequency.get(term) ?? 0) + 1);
    const weight = (term: string) => 1 + Math.log((all.length + 1) / ((sentenceFrequency.get(term) ?? 0) + 1));
    const total = (terms: Iterable<string>) => [...terms].reduce((sum, term) => sum + weight(term), 0);
    // A query phrase ("credit score") found as a phrase counts extra, half its terms' weight again.
    const pairWeight = (pair: string) => total(pair.split(' ')) / 4;
    const queryWeight = total(queryTerms);
    const extraWeight = total(extraTerms);
    const candidates: Candidate[] = [];
    for (const sentence of all) {
      const matchedTerms = total([...queryTerms].filter((term) => sentence.terms.has(term)));
      if (matchedTerms === 0) continue;
      const matchedPairs = [...queryPairs].filter((pair) => sentence.pairs.has(pair)).reduce((sum, pair) => sum + pairWeight(pair), 0);
      const coverage = matchedTerms / queryWeight;
      const profileMatch = extraWeight === 0 ? 0 : total([...extraTerms].filter((term) => sentence.terms.has(term))) / extraWeight;
      const passageScore = Math.min(1, Math.max(0, sentence.passage.score));
      // Fragments such as headings ("FHA loans") match well but read badly as an answer.
      const brevity = sentence.terms.size < 4 ? 0.8 : 1;
      candidates.push({ ...sentence, coverage, score: brevity * (coverage + matchedPairs / queryWeight + 0.25 * profileMatch + 0.15 * passageScore) });
    }
    candidates.sort((a, b) => b.score - a.score || a.passageOrder - b.passageOrder || a.position - b.position);
    return { ranked: candidates, all };
  }

  #select(ranked: readonly Candidate[]): Candidate[] {
    const best = ranked[0];
    if (best === undefined) return [];
    const picked: Candidate[] = [best];
    const acceptable = (candidate: Candidate) =>
      !picked.includes(candidate) && picked.every((other) => jaccard(other.terms, candidate.terms) < this.#duplicateThreshold);
    const relevant = ranked.filter((candidate) => candidate.score >= 0.3 * best.score);
    const fromAnotherPassage = relevant.find((candidate) => candidate.passage !== best.passage && acceptable(candidate));
    if (fromAnotherPassage && picked.length < this.#maxSentences) picked.push(fromAnotherPassage);
    for (const candidate of relevant) {
      if (picked.length >= this.#maxSentences) break;
      if (picked.length >= this.#minSentences && candidate.score < 0.6 * best.score) break;
      if (acceptable(candidate)) picked.push(candidate);
    }
    return picked;
  }

  /** Adds, while there is room, the sentence right after a picked one when it leans on it ("It…", "This…"). */
  #withContinuations(picked: readonly Sentence[], all: readonly Sentence[]): Sentence[] {
    const out = [...picked];
    for (const sentence of picked) {
      if (out.length >= this.#maxSentences) break;
      const next = all.find((other) => other.passage === sentence.passage && other.position === sentence.position + 1);
      if (!next || !CONTINUATION.test(next.text)) continue;
      if (!out.some((other) => other.passage === next.passage && other.position === next.position)) out.push(next);
    }
    return out;
  }
}

/** Groups picked sentences by passage (best passage first), in their original order within a passage. */
function groupByPassage(picked: readonly Sentence[]): Sentence[][] {
  const groups = new Map<Passage, Sentence[]>();
  for (const candidate of picked) groups.set(candidate.passage, [...(groups.get(candidate.passage) ?? []), candidate]);
  return [...groups.values()].map((group) => group.sort((a, b) => a.position - b.position));
}

/** Puts " [n]" before the sentence's closing punctuation, or at its end when it has none. */
function withCitation(sentence: string, citation: number): string {
  const closing = /[.!?]+["'”’)\]]*$/.exec(sentence);
  if (!closing) return `${sentence} [${citation}]`;
  return `${sentence.slice(0, closing.index)} [${citation}]${closing[0]}`;
}

function adjacentPairs(tokens: readonly string[]): string[] {
  return tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`);
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}
