import { everydaySynonyms } from '../../shared/text/everyday-synonyms.ts';
import { tokenize } from '../../shared/text/tokenize.ts';
import type { Passage } from '../ports/generator.ts';
import { answerVocabularyMatch, type AnswerVocabulary } from './answer-vocabulary.ts';
import { findLendingEntities, type LendingEntities, type LendingProgram } from './lending-entities.ts';
import { analyzePassageText, analyzePassageTitle } from './passage-analysis.ts';
import type { QuestionAnalysis } from './question-analysis.ts';

/** One sentence of a retrieved passage, quoted verbatim. */
export interface SourceSentence {
  text: string;
  passage: Passage;
  passageOrder: number;
  position: number;
  terms: ReadonlySet<string>;
  pairs: ReadonlySet<string>;
  entities: LendingEntities;
}

/** A sentence with its evidence of answering the question. */
export interface ScoredSentence extends SourceSentence {
  /** IDF-weighted share of the question's content terms the sentence contains (0–1). */
  coverage: number;
  /** The sentence gets most of its match from the one before it, which it refers back to. */
  leansOnPrevious: boolean;
  /** Everything together; ranks sentences. */
  score: number;
}

/** What sentence scoring found, for answer assembly and the refusal decision. */
export interface SentenceScores {
  /** Sentences sharing a content term with the question (or holding a profile term), best first. */
  ranked: ScoredSentence[];
  /** Every sentence of every passage, in passage order. */
  all: SourceSentence[];
  /** Per passage (by passage order): IDF-weighted share of the question's content terms found in its title or text. */
  passageCoverage: number[];
}

/** Weights of the score's parts; the defaults were chosen on the answer eval's dev split. */
export interface ScoringWeights {
  /** Per matched question phrase, as a share of its terms' weight. */
  phrase: number;
  /** Share of the score a sentence loses when it lacks what the intent asks for (a number, a time span…). */
  intentCue: number;
  /** The same, for a question whose cue is specific (an age question wants an age). */
  specificCue: number;
  /**
   * Per question term found only in the sentence before (which this one does not refer back to), as
   * a share of its weight. 0 since a coordinate search of these weights on the answer eval's dev
   * split (2026-12-06): fact recall 0.895 → 0.905, lead, right document, refusals and the fairness
   * suite's dev split unchanged. A sentence that does not point back is read on its own; one that
   * does ("It…", "they…") still counts its predecessor's terms in full.
   */
  context: number;
  /** Per question term found only in the sentence's passage title, as a share of its weight. */
  titleContext: number;
  /** For a sentence naming a program or concept the question names. */
  entity: number;
  /** For a sentence from a passage whose title covers the question (times that coverage). */
  title: number;
  /**
   * For a sentence from a passage whose title names a program or concept the question names (the
   * passage is about what was asked: "Debt-to-Income Ratio: …" for a DTI question). 0.3 on the
   * answer eval's dev split: the same answer figures as 0, and one more fairness question consistent
   * on the fairness suite's dev split (0.35 the same; 0.25 and 0.4 lose that question, 0.1–0.25 a lead).
   */
  titleEntity: number;
  /**
   * For a sentence from a passage that, title and text together, covers the question (times that
   * coverage); added after the intent cue's damping, since it says where the sentence comes from,
   * not what it says. 0.2 on the answer eval's dev (0.15 and 0.3 lose a question, 0.2–0.25 the same).
   */
  passage: number;
  /**
   * For a sentence from the passage retrieved first, times that passage's lead over the second
   * ((s1 − s2) / s1): when the retriever, which ranks whole documents with field weights and the
   * lending vocabulary, is clearly sure, its first document is where the answer is. 1 on the answer
   * eval's dev split (135 questions): lead 0.76 → 0.79, right document 0.89 → 0.91, fact recall
   * 0.84 → 0.85 (0.75–1.25 about the same; 2 and a plain share of the best score lose).
   */
  topMargin: number;
  /** For a sentence matching the borrower profile's terms (times that share). */
  profile: number;
  /** For a sentence repeating the question's numbers (times the share repeated). */
  number: number;
  /** Multiplier for a sentence about another program than the one asked about. */
  tangent: number;
  /** Multiplier for a sentence that leans on the one before it ("It…", "This…"). */
  continuation: number;
  /**
   * For a sentence holding words that answer the question's words without sharing them (times
   * the match, answer-vocabulary.ts), added last. 0.6 by five-fold cross-validation on the answer
   * eval's 633 answerable dev questions, with the vocabulary's smoothing (0.2–0.8 × smoothing 0.5–2 ×
   * evidence 2–3; the sentence that answers ranked first 55.4 % → 61.8 %), confirmed on the `v15-`
   * blind round before it joined dev (lead 0.800 with 0.4, 0.838 with 0.6).
   */
  answerVocabulary: number;
  /**
   * Share of its weight a question term keeps when only the statements of the borrower's situation
   * around the asked sentences have it (QuestionAnalysis.situationTerms): the question chooses the
   * sentences, the situation informs the choice. 0.5 with retrieval's SITUATION_TERM_WEIGHT, on the
   * answer eval's dev split and a probe of harmless statements before the fairness suite's dev
   * questions (docs/answer-quality.md).
   */
  situation: number;
}

export const DEFAULT_SCORING_WEIGHTS: ScoringWeights = {
  phrase: 0.25,
  intentCue: 0.3,
  specificCue: 0.5,
  context: 0,
  titleContext: 0.5,
  entity: 0.2,
  title: 0.15,
  titleEntity: 0.3,
  passage: 0.2,
  topMargin: 1,
  profile: 0.25,
  number: 0.2,
  tangent: 0.35,
  continuation: 0.8,
  answerVocabulary: 0.6,
  situation: 0.5,
};

/** A sentence that only makes sense after the one before it ("It can be cancelled once…"). */
export const CONTINUATION = /^(?:it|this|that|these|those|they|such|both|either|neither)\b/i;

/** A pronoun that may point at the sentence before. */
const REFERS_BACK = /\b(?:it|its|this|these|they|them|their)\b/i;

/**
 * Scores every sentence of the passages against the question: the IDF-weighted share of its
 * content terms (IDF over the retrieved sentences, so a term found in few sentences says more),
 * its phrases found as phrases, a cue for what the intent asks for, the programs and concepts it
 * names, the borrower profile's terms and how well the sentence's passage title covers the question.
 * A sentence about another program is damped unless the question compares programs. The
 * retriever's first passage gains by how clearly it won; otherwise retrieval rank only breaks ties.
 * With a learned answer vocabulary, a sentence gains by the words it holds that answer the
 * question's words without being them.
 */
export function scoreSentences(
  asked: QuestionAnalysis,
  passages: readonly Passage[],
  profileText: string,
  weights: ScoringWeights = DEFAULT_SCORING_WEIGHTS,
  vocabulary?: AnswerVocabulary,
): SentenceScores {
  const profileTerms = tokenize(profileText);
  // The question-independent part (sentences, their terms and entities) is memoised per passage text (passage-analysis.ts).
  const all: SourceSentence[] = passages.flatMap((passage, passageOrder) => {
    const titleEntities = analyzePassageTitle(passage.title).entities;
    return analyzePassageText(passage.text).sentences.map(({ text, terms, pairs, entities: own }, position) => {
      // A sentence that names no program is about its passage's program(s).
      const entities: LendingEntities = own.programs.size > 0 ? own : { ...own, programs: titleEntities.programs };
      return { text, passage, passageOrder, position, terms, pairs, entities };
    });
  });
  const frequency = new Map<string, number>();
  for (const sentence of all) for (const term of sentence.terms) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const question = withPassageForms(asked, frequency);
  const situation = question.situationTerms;
  const weight = (term: string) =>
    (1 + Math.log((all.length + 1) / ((frequency.get(term) ?? 0) + 1))) * (situation?.has(term) === true ? weights.situation : 1);
  const total = (terms: Iterable<string>) => {
    let sum = 0;
    for (const term of terms) sum += weight(term);
    return sum;
  };
  const questionWeight = total(question.terms);
  // A phrase weighs what its content terms weigh (numbers in it count for nothing here).
  const pairWeight = (pair: string) => total(pair.split(' ').filter((term) => question.terms.includes(term)));
  const share = (has: (term: string) => boolean) => (questionWeight === 0 ? 0 : total(question.terms.filter(has)) / questionWeight);
  const weightedShare = (part: (term: string) => number) =>
    questionWeight === 0 ? 0 : question.terms.reduce((sum, term) => sum + part(term) * weight(term), 0) / questionWeight;

  // A question term that is part of a program's or concept's name counts as present in a sentence
  // or title naming that program or concept another way ("private mortgage insurance" ~ "PMI").
  const aliasTerms = [...question.entities.mentions].map(([entity, mention]) => [entity, tokenize(mention)] as const);
  const aliasedBy = (named: LendingEntities): string[] =>
    aliasTerms.flatMap(([entity, terms]) =>
      (named.programs as ReadonlySet<string>).has(entity) || (named.concepts as ReadonlySet<string>).has(entity) ? terms : [],
    );
  const titleTerms = passages.map((passage) => {
    const { terms, entities } = analyzePassageTitle(passage.title);
    const aliased = aliasedBy(entities);
    return aliased.length === 0 ? terms : new Set([...terms, ...aliased]);
  });
  const byScore = passages.map((passage, i) => [passage.score, i] as const).sort((a, b) => b[0] - a[0]);
  const top = byScore[0];
  const margin = top === undefined || top[0] <= 0 ? 0 : (top[0] - Math.max(0, byScore[1]?.[0] ?? 0)) / top[0];
  const passageCoverage = passages.map((passage, i) => {
    const terms = analyzePassageText(passage.text).termsWithTitle(passage.title);
    return share((term) => terms.has(term) || titleTerms[i]!.has(term));
  });
  const titleCoverage = titleTerms.map((terms) => share((term) => terms.has(term)));
  const askedEntities = new Set<string>([...question.entities.programs, ...question.entities.concepts]);
  const aboutAsked = passages.map((passage) => {
    const { programs, concepts } = analyzePassageTitle(passage.title).entities;
    return [...programs, ...concepts].some((entity) => askedEntities.has(entity));
  });
  const extra = [...new Set(profileTerms)].filter((term) => !question.terms.includes(term));
  const extraWeight = total(extra);
  // A question naming no program ("What are my options…?") is about the programs the profile suggests.
  const askedPrograms = question.entities.programs.size > 0 ? question.entities.programs : findLendingEntities(profileText).programs;
  const askedConcepts = question.entities.concepts;
  const cue = question.cue;
  const ownNumbers = question.numbers.length === 0 ? null : new RegExp(`(?<![\\d.,])(?:${question.numbers.map((n) => n.replace('.', '\\.')).join('|')})(?![\\d]|[.,]\\d)`, 'g');

  const ranked: ScoredSentence[] = [];
  for (const [index, sentence] of all.entries()) {
    const aliased = new Set(aliasedBy(sentence.entities));
    const present = (term: string) => sentence.terms.has(term) || aliased.has(term) || everydaySynonyms(term).some((synonym) => sentence.terms.has(synonym));
    const previous = sentence.position === 0 ? undefined : all[index - 1];
    const title = titleTerms[sentence.passageOrder]!;
    const coverage = share(present);
    // A sentence is read in its passage, after the one before it: a question term named only by
    // the passage title or the previous sentence counts for part of its weight, and fully when the
    // sentence refers back ("…a one-time VA funding fee. As of 2025, for a first-use purchase it is 2.15%…").
    const refersBack = REFERS_BACK.test(sentence.text);
    const fromPrevious = previous === undefined ? 0 : share((term) => !present(term) && previous.terms.has(term));
    const previousWeight = refersBack ? 1 : weights.context;
    const inContext = weightedShare((term) =>
      present(term) ? 0 : Math.max(title.has(term) ? weights.titleContext : 0, previous?.terms.has(term) ? previousWeight : 0),
    );
    const leansOnPrevious = refersBack && fromPrevious > coverage;
    const profileMatch = extraWeight === 0 ? 0 : total(extra.filter((term) => sentence.terms.has(term))) / extraWeight;
    if (coverage === 0 && profileMatch === 0 && inContext === 0) continue;
    const phrases = question.pairs.filter((pair) => sentence.pairs.has(pair)).reduce((sum, pair) => sum + pairWeight(pair), 0);
    const namesAsked =
      [...askedPrograms].some((program) => sentence.entities.programs.has(program)) ||
      [...askedConcepts].some((concept) => sentence.entities.concepts.has(concept));
    let score =
      coverage +
      inContext +
      (questionWeight === 0 ? 0 : (weights.phrase * phrases) / questionWeight) +
      (namesAsked ? weights.entity : 0) +
      weights.title * (titleCoverage[sentence.passageOrder] ?? 0) +
      (aboutAsked[sentence.passageOrder] ? weights.titleEntity : 0) +
      weights.profile * profileMatch +
      (question.numbers.length === 0 ? 0 : (weights.number * question.numbers.filter((number) => sentence.terms.has(number)).length) / question.numbers.length);
    // A sentence without what the question asks for (a number, a time span…) answers it less.
    // The question's own numbers ("a 15-year … a 30-year") are not what it asks for: a sentence repeating them still lacks the answer's number.
    if (cue !== null && !cue.test(ownNumbers === null ? sentence.text : sentence.text.replace(ownNumbers, ''))) score *= 1 - (question.specificCue ? weights.specificCue : weights.intentCue);
    // What the whole passage covers is evidence about its source, not about this sentence's wording: added after the cue.
    score +=
      weights.passage * (passageCoverage[sentence.passageOrder] ?? 0) +
      (top !== undefined && top[1] === sentence.passageOrder ? weights.topMargin * margin : 0);
    if (isTangent(question.entities.programs, sentence.entities.programs)) score *= weights.tangent;
    if (CONTINUATION.test(sentence.text)) score *= weights.continuation;
    // Fragments such as headings ("FHA loans") match well but read badly as an answer.
    if (sentence.terms.size < 4) score *= 0.8;
    // Words that answer the question without sharing its words ("Staying under 30% is a common guideline" for "How much of my limit…").
    if (vocabulary !== undefined) score += weights.answerVocabulary * answerVocabularyMatch(vocabulary, asked.terms, sentence.terms, asked.situationTerms, weights.situation);
    ranked.push({ ...sentence, coverage, leansOnPrevious, score });
  }
  ranked.sort((a, b) => b.score - a.score || a.passageOrder - b.passageOrder || a.position - b.position);
  return { ranked, all, passageCoverage };
}

/**
 * The stemmer leaves some word families apart ("foreclose" → foreclos, "foreclosure" →
 * foreclosur; "appraise" → apprais, "appraisal" → apprais): a question term no passage sentence
 * has is read as the passages' form of the same word when one of the two is a prefix of the other
 * (at least 5 letters, at most 3 more), the most frequent such form first. Phrases follow.
 */
function withPassageForms(question: QuestionAnalysis, frequency: ReadonlyMap<string, number>): QuestionAnalysis {
  const forms = new Map<string, string>();
  for (const term of question.terms) {
    if (frequency.has(term) || term.length < 5) continue;
    let best: string | undefined;
    for (const [candidate, count] of frequency) {
      const [short, long] = candidate.length < term.length ? [candidate, term] : [term, candidate];
      if (short.length < 5 || long.length - short.length > 3 || !long.startsWith(short)) continue;
      if (best === undefined || count > frequency.get(best)!) best = candidate;
    }
    if (best !== undefined) forms.set(term, best);
  }
  if (forms.size === 0) return question;
  const form = (term: string) => forms.get(term) ?? term;
  const terms = [...new Set(question.terms.map(form))];
  // A situation term whose passage form is also an asked term's is the question's.
  const asked = new Set(question.terms.filter((term) => question.situationTerms?.has(term) !== true).map(form));
  return {
    ...question,
    terms,
    ...(question.situationTerms === undefined ? {} : { situationTerms: new Set([...question.situationTerms].map(form).filter((term) => !asked.has(term))) }),
    pairs: [...new Set(question.pairs.map((pair) => pair.split(' ').map(form).join(' ')))],
  };
}

/**
 * About other programs only, when the question names programs. A question comparing programs
 * names each of them, so a sentence about any one of those is not a tangent.
 */
export function isTangent(asked: ReadonlySet<LendingProgram>, named: ReadonlySet<LendingProgram>): boolean {
  if (asked.size === 0 || named.size === 0) return false;
  return ![...named].some((program) => asked.has(program));
}
