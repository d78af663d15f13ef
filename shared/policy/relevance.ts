import { tokenize } from '../text/tokenize.ts';
import { OFF_TOPIC_EXAMPLES, ON_TOPIC_EXAMPLES } from './relevance-examples.ts';

/**
 * A deterministic relevance classifier: multinomial naive Bayes over word unigrams and bigrams
 * (the retrieval tokenizer's stemmed, stoplisted terms), trained on first use from the labelled
 * examples in relevance-examples.ts. Unlike a keyword list it weighs every word by how well it
 * separates the two classes, so "Can I buy a house if I just changed jobs?" passes without the
 * word "loan".
 */
export interface RelevanceResult {
  relevant: boolean;
  /** Log-odds of on-topic vs off-topic (positive = on-topic), strong-term boost included. */
  score: number;
}

/**
 * Unambiguous lending vocabulary. A hit is strong evidence on its own: a borrower who writes
 * "mortgage" is asking about borrowing even when the rest of the sentence is unusual.
 */
const STRONG_TERMS: readonly RegExp[] = [
  /\bmortgag/, /\bloans?\b/, /\blend(er|ers|ing)?\b/, /\bborrow/, /\bcredit\b/, /\brefinanc/, /\bapr\b/,
  /\binterest rates?\b/, /\bdown ?payments?\b/, /\bescrow/, /\bforeclos/, /\bbankrupt/, /\bfha\b/, /\busda\b/,
  /\bheloc/, /\bhome equity\b/, /\bdebts?\b/, /\bpmi\b/, /\bamortiz/, /\bunderwrit/, /\bpre ?approv/, /\bpre ?qualif/,
  /\bclosing costs?\b/, /\bfico\b/, /\bdti\b/, /\bco ?sign/, /\bcollateral\b/, /\bliens?\b/, /\brepay/, /\bfinanc(e|ed|ing)\b/,
];

const STRONG_TERM_BOOST = 3;
const MAX_STRONG_HITS = 2;
/**
 * Lending vocabulary is a small closed set the examples cover well, while off-topic vocabulary
 * is open-ended, so a word the model never saw is weak evidence of an off-topic question.
 */
const UNKNOWN_WORD_LOG_ODDS = -0.6;
const MAX_UNKNOWN_WORDS = 3;
/**
 * Below zero on purpose: refusing a real borrower is worse than answering a stray question.
 * Chosen by leave-one-out cross-validation over the examples: at -0.5 about 98% of lending
 * questions pass and 95% of off-topic ones are refused; at -1.5 barely 73% were refused,
 * because a short question made of everyday words scores near zero.
 */
const THRESHOLD = -0.5;
const SMOOTHING = 0.5;

/**
 * The shared retrieval terms (tokenize: stoplist, Porter stemmer), after money amounts,
 * percentages and three-digit numbers (credit scores) are replaced by placeholder words, so
 * "$200,000" and "$350k" are one feature.
 */
function words(text: string): string[] {
  const marked = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\$\s?\d[\d,]*(\.\d+)?k?/g, ' moneyamount ')
    .replace(/\b\d+(\.\d+)?\s?%/g, ' percentamount ')
    .replace(/\b\d{3}\b/g, ' threedigit ');
  return tokenize(marked);
}

interface Features {
  unigrams: string[];
  bigrams: string[];
}

function features(text: string): Features {
  const unigrams = words(text);
  const bigrams: string[] = [];
  for (let i = 0; i + 1 < unigrams.length; i++) bigrams.push(`${unigrams[i]}_${unigrams[i + 1]}`);
  return { unigrams, bigrams };
}

/** Per-feature log P(feature | on-topic) - log P(feature | off-topic). */
type Model = Map<string, number>;

let model: Model | undefined;

function train(): Model {
  const counts = [new Map<string, number>(), new Map<string, number>()] as const;
  const totals = [0, 0];
  const add = (examples: readonly string[], label: 0 | 1) => {
    for (const example of examples) {
      const { unigrams, bigrams } = features(example);
      for (const feature of [...unigrams, ...bigrams]) {
        counts[label].set(feature, (counts[label].get(feature) ?? 0) + 1);
        totals[label]! += 1;
      }
    }
  };
  add(ON_TOPIC_EXAMPLES, 0);
  add(OFF_TOPIC_EXAMPLES, 1);
  const vocabulary = new Set([...counts[0].keys(), ...counts[1].keys()]);
  const onDenominator = totals[0]! + SMOOTHING * vocabulary.size;
  const offDenominator = totals[1]! + SMOOTHING * vocabulary.size;
  const logOdds: Model = new Map();
  for (const feature of vocabulary) {
    const on = ((counts[0].get(feature) ?? 0) + SMOOTHING) / onDenominator;
    const off = ((counts[1].get(feature) ?? 0) + SMOOTHING) / offDenominator;
    logOdds.set(feature, Math.log(on) - Math.log(off));
  }
  return logOdds;
}

/** Scores how likely a question is to be about borrowing, credit or lending. */
export function classifyRelevance(text: string): RelevanceResult {
  model ??= train();
  const { unigrams, bigrams } = features(text);
  let score = 0;
  let unknownWords = 0;
  for (const unigram of unigrams) {
    const logOdds = model.get(unigram);
    if (logOdds === undefined) unknownWords += 1;
    else score += logOdds;
  }
  // Capped, so a long question in a borrower's own words is not refused for its vocabulary alone.
  score += UNKNOWN_WORD_LOG_ODDS * Math.min(unknownWords, MAX_UNKNOWN_WORDS);
  // Unseen bigrams are the norm, so only bigrams seen in training count.
  for (const bigram of bigrams) score += model.get(bigram) ?? 0;
  const lower = text.normalize('NFKC').toLowerCase().replace(/[-_]+/g, ' ');
  const strongHits = STRONG_TERMS.filter((term) => term.test(lower)).length;
  score += STRONG_TERM_BOOST * Math.min(strongHits, MAX_STRONG_HITS);
  return { relevant: score > THRESHOLD, score: Math.round(score * 1000) / 1000 };
}
