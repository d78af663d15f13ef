import { OFF_TOPIC_EXAMPLES, ON_TOPIC_EXAMPLES } from './relevance-examples.ts';

/**
 * A deterministic relevance classifier: multinomial naive Bayes over stemmed word unigrams and
 * bigrams, trained at first use on the labelled examples in relevance-examples.ts. Unlike a
 * keyword list it weighs every word by how it separates the two classes, so "Can I buy a house
 * if I just changed jobs?" passes without the word "loan". A small set of unambiguous lending
 * terms also counts as strong evidence, and ties go to "relevant": refusing a real borrower is
 * worse than answering a stray question from the knowledge base.
 */
export interface RelevanceResult {
  relevant: boolean;
  /** Log-odds of on-topic vs off-topic (positive = on-topic), strong-term boost included. */
  score: number;
}

const STOP = new Set(['a', 'an', 'the', 'i', 'me', 'my', 'is', 'are', 'do', 'does', 'to', 'of', 'for', 'in', 'on', 'and', 'or', 'it', 'be', 'can', 'you', 'what', 'how', 'should', 'with', 'about', 'this', 'that', 'at', 'by', 'if', 'when', 'which', 'who', 'why', 'will', 'would', 'there', 'get']);

const STRONG_TERMS = [
  'mortgag', 'loan', 'lender', 'lend', 'borrow', 'credit', 'refinanc', 'apr', 'interest rate', 'down payment', 'escrow',
  'foreclos', 'bankruptc', 'fha', 'usda', 'heloc', 'home equity', 'debt', 'pmi', 'amortiz', 'underwrit', 'preapprov',
  'prequalif', 'closing cost', 'fico', 'dti', 'cosign', 'collateral', 'lien', 'principal', 'repay', 'financ', 'approv',
  'afford', 'down-payment', 'bank', 'credit union', 'savings', 'budget',
];

/** Light stemmer: enough to merge plural and -ing/-ed forms. */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ied')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('es') && /(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function features(text: string): string[] {
  const words = text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\$\s?\d[\d,]*(\.\d+)?/g, ' moneyamount ')
    .replace(/\b\d{3}\b/g, ' threedigit ')
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !STOP.has(word))
    .map(stem);
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]}_${words[i + 1]}`);
  return out;
}

interface Model {
  logLikelihood: Map<string, [number, number]>;
  unseen: [number, number];
}

let model: Model | undefined;

function train(): Model {
  const counts = [new Map<string, number>(), new Map<string, number>()];
  const totals = [0, 0];
  const add = (examples: readonly string[], label: 0 | 1) => {
    for (const example of examples) {
      for (const feature of features(example)) {
        counts[label]!.set(feature, (counts[label]!.get(feature) ?? 0) + 1);
        totals[label]! += 1;
      }
    }
  };
  add(ON_TOPIC_EXAMPLES, 0);
  add(OFF_TOPIC_EXAMPLES, 1);
  const vocabulary = new Set([...counts[0]!.keys(), ...counts[1]!.keys()]);
  const alpha = 0.5;
  const denominator = [totals[0]! + alpha * vocabulary.size, totals[1]! + alpha * vocabulary.size];
  const logLikelihood = new Map<string, [number, number]>();
  for (const feature of vocabulary) {
    logLikelihood.set(feature, [
      Math.log(((counts[0]!.get(feature) ?? 0) + alpha) / denominator[0]!),
      Math.log(((counts[1]!.get(feature) ?? 0) + alpha) / denominator[1]!),
    ]);
  }
  return { logLikelihood, unseen: [Math.log(alpha / denominator[0]!), Math.log(alpha / denominator[1]!)] };
}

/** Scores how likely a question is to be about borrowing, credit or lending. */
export function classifyRelevance(text: string): RelevanceResult {
  model ??= train();
  let score = 0;
  for (const feature of features(text)) {
    const known = model.logLikelihood.get(feature);
    if (known) score += known[0] - known[1];
  }
  const lower = text.toLowerCase();
  const strongHits = STRONG_TERMS.filter((term) => new RegExp(`\\b${term}`).test(lower)).length;
  score += 3 * Math.min(strongHits, 2);
  // Uncertain (little or no known vocabulary) counts as relevant: the knowledge base will say
  // when it does not cover something, which is better than refusing a real borrower.
  return { relevant: score > -1.0, score: Number(score.toFixed(3)) };
}
