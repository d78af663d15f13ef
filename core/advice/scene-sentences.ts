import { classifyRelevance } from '../../shared/policy/relevance.ts';
import { everydaySynonyms } from '../../shared/text/everyday-synonyms.ts';
import { findLendingTerms } from '../../shared/text/lending-vocabulary.ts';
import { sentences } from '../../shared/text/sentences.ts';
import { tokenize } from '../../shared/text/tokenize.ts';
import { QUESTION_WORDS } from '../generation/question-analysis.ts';
import { DEFAULT_REFUSAL_THRESHOLDS } from '../generation/refusal-decision.ts';
import { runSteps, runStepsYielding, type Steps } from '../retrieval/stepwise.ts';

/** Stemmed words of the knowledge base's titles, question words aside: the topics it is about ("loan", "escrow", "foreclosur"…). */
export type TopicTerms = ReadonlySet<string>;

const topicsByDocuments = new WeakMap<readonly { title: string }[], TopicTerms>();

/** Titles per step of the work-out (≈ 1 ms: 100,000 titles take about a second in all). */
const TITLES_PER_STEP = 100;

/**
 * Works out an index's title words when the index is prepared for serving, in steps with turns of
 * the event loop between them (a large corpus's titles take a second), so no request pays for it.
 */
export async function prepareTopicTerms(documents: readonly { title: string }[]): Promise<TopicTerms> {
  let terms = topicsByDocuments.get(documents);
  if (terms === undefined) topicsByDocuments.set(documents, (terms = await runStepsYielding(topicSteps(documents))));
  return terms;
}

/** The title words of an index's documents: those {@link prepareTopicTerms} worked out, or worked out now, once per loaded index. */
export function topicTerms(documents: readonly { title: string }[]): TopicTerms {
  let terms = topicsByDocuments.get(documents);
  if (terms === undefined) topicsByDocuments.set(documents, (terms = runSteps(topicSteps(documents))));
  return terms;
}

function* topicSteps(documents: readonly { title: string }[]): Steps<TopicTerms> {
  const terms = new Set<string>();
  for (const [i, document] of documents.entries()) {
    for (const term of tokenize(document.title)) if (!QUESTION_WORDS.has(term)) terms.add(term);
    if ((i + 1) % TITLES_PER_STEP === 0) yield;
  }
  return terms;
}

/** A sentence that asks: it ends in "?" (closing quotes or brackets aside). */
const ASKS = /\?+["'”’)\]]*$/u;

/** What retrieval and the extractive generator read of a borrower's text ({@link focusOnQuestion}). */
export interface QuestionFocus {
  /** The text without the statements that only set the scene. */
  focus: string;
  /**
   * The sentences of `focus` that ask, when statements of the borrower's situation stand beside them
   * ("I just changed jobs and I'm trying to plan ahead. Are mortgage points tax deductible?"): words found
   * only in those statements weigh below the question's, which choose the answer. Undefined when the
   * focus is all question, asks nothing, or asks about what a statement said ("I receive alimony. Does
   * it count as income?").
   */
  asked: string | undefined;
}

/**
 * The question without the statements around it that only set the scene — "A friend told me to
 * ask here.", "Be gentle, I'm still learning.", "It's been a stressful month." — which name no number, no
 * lending term (shared/text/lending-vocabulary.ts), no everyday money word ("job", "house",
 * "income": shared/text/everyday-synonyms.ts), at most one word of the knowledge base's titles and
 * do not read as clearly about borrowing ({@link namesTheSubject}). Their words say nothing about what
 * is asked, yet a retriever and a sentence scorer weigh them like the question's: asking every dev base
 * of the fairness suite again after "A friend told me to ask here." changed 25 of 157 answers (6 after
 * this). A statement that names the subject stays ("I finished my loan application three weeks ago.",
 * "I'm tired of paying the mortgage insurance."): it is the borrower's situation, and with its asked
 * sentences ({@link QuestionFocus.asked}).
 *
 * Only when the asked sentences stand on their own — they name a lending term or two topic words, or
 * are clearly about borrowing by themselves — and do not ask about something a statement said: "How
 * do I get it back?" after "My landlord is keeping my deposit." and "Does it count as income for a
 * mortgage?" after "I receive alimony." are about the statement, which stays. A text that asks nothing ("whats the catch") is left whole. Deterministic.
 */
export function focusOnQuestion(text: string, topics: TopicTerms): QuestionFocus {
  const all = sentences(text);
  const asked = all.filter((sentence) => ASKS.test(sentence));
  const askedText = asked.join(' ');
  if (asked.length === 0 || asked.length === all.length) return { focus: text, asked: undefined };
  if (REFERS_BACK.test(askedText)) return { focus: text, asked: undefined };
  const alone = standsAlone(askedText, topics);
  if (!alone && !asksAboutBorrowing(askedText)) return { focus: text, asked: undefined };
  const kept = all.filter((sentence) => ASKS.test(sentence) || namesTheSubject(sentence, topics));
  return {
    focus: kept.length === all.length ? text : kept.join(' '),
    // Statements left beside a question that stands alone: the situation. Beside a thinner one
    // ("Can I get a mortgage?" after "I have only been at my job for a year.") they say what it asks, and weigh whole.
    asked: alone && kept.length > asked.length ? askedText : undefined,
  };
}

/**
 * A statement that is the borrower's situation: it names a number, a lending term, an everyday money
 * word ("I lost my job.", "I rent right now."), two words of the knowledge base's titles ("We want to
 * buy a house."), or reads as clearly about borrowing ("I finished my loan application three weeks
 * ago."). One title word is not enough: titles use plain words too ("plan", "budget", "new", "time"),
 * and "I work as a nurse and I am trying to plan ahead." or "My budget is tight these days." only set
 * the scene. With one such word enough, either statement before the fairness suite's dev questions
 * changed 65 and 57 of 474 answers; with two, 27 and 22 (the answer eval's dev split: no answer lost).
 */
function namesTheSubject(sentence: string, topics: TopicTerms): boolean {
  if (/\d/u.test(sentence) || findLendingTerms(sentence).length > 0) return true;
  const { title, everyday } = subjectWords(sentence, topics);
  return everyday.size > 0 || title.size >= 2 || classifyRelevance(sentence).score >= DEFAULT_REFUSAL_THRESHOLDS.clearRelevance;
}

/** Asked sentences (that do not refer back to a statement) naming a lending term or two title or money words. */
function standsAlone(asked: string, topics: TopicTerms): boolean {
  if (findLendingTerms(asked).length > 0) return true;
  const { title, everyday } = subjectWords(asked, topics);
  return new Set([...title, ...everyday]).size >= 2;
}

/**
 * Asked sentences that are unmistakably about borrowing by themselves — the relevance the refusal
 * decision calls clear: "Do I need a Social Security number to get a mortgage?" and "Can my partner
 * and I both be on the loan?" name one title word each, yet a statement beside them that names nothing the knowledge base is about only sets the scene.
 */
function asksAboutBorrowing(asked: string): boolean {
  return classifyRelevance(asked).score >= DEFAULT_REFUSAL_THRESHOLDS.clearRelevance;
}

/**
 * "I receive alimony. Does it count as income?", "My lender sent a letter. Should I sign it?", "I get
 * child support. Do I have to tell the lender about it?": the question is about what a statement said.
 * A pronoun that asks about something ("does it…", "count them", "…about it?") refers back; "is it
 * worth…", "how long does it take…", "does it matter…" do not.
 */
const REFERS_BACK =
  /\b(?:does|do|did|is|are|was|were|can|could|will|would|should|has|have)\s+(?:it|that|this|they|these|those)\b(?!\s+(?:take|takes|matter|matters|worth|possible|better|true|smart|ok|okay|wise|a good idea|normal|too late|harder|easier|legal|necessary|required|cheaper|safe|bad|common|mean|make sense|help|hurt|cost))|\b(?:count|use|report|keep|include|list|treat|consider|deduct|claim|sign|pay|accept|trust|send|cash|refuse|cancel|dispute|fix|remove)\s+(?:it|that|this|them|those|these)\b|\babout\s+(?:it|that|them|those)\s*\?/iu;

/** The knowledge base's title words and the everyday money words in `text`, distinct stems (a stem can be both). */
function subjectWords(text: string, topics: TopicTerms): { title: Set<string>; everyday: Set<string> } {
  const terms = tokenize(text);
  return { title: new Set(terms.filter((term) => topics.has(term))), everyday: new Set(terms.filter((term) => everydaySynonyms(term).length > 0)) };
}
