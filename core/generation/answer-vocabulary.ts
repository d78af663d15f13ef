import { z } from 'zod';

/**
 * Words that answer a question's words without sharing them: learned from questions whose
 * answering sentences are known ("How much of my card limit should I use?" is answered by
 * "Staying under 30% is a common guideline"), so that a question term ("limit") makes a
 * sentence with a term the answers to such questions use ("guideline", "30") likelier to be the
 * one that answers. Stems on both sides, as `tokenize` gives them.
 *
 * For question term q and sentence term s the weight is
 *   log((answers(q, s) + smoothing) / (expected(q, s) + smoothing))   (smoothing 0.5)
 * where answers(q, s) counts the questions with q whose answering sentences hold s, and
 * expected(q, s) is how many of them would if the answering sentence were any one retrieved
 * sentence (the sum over those questions of the share of their retrieved sentences holding s).
 * Kept only when positive and seen in at least `minEvidence` questions on both counts, so a
 * pair from one question never enters.
 */
export type AnswerVocabulary = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** One question with the sentences of the passages retrieved for it. */
export interface VocabularyExample {
  questionTerms: readonly string[];
  sentences: ReadonlyArray<{ terms: Iterable<string>; answers: boolean }>;
}

export interface LearnOptions {
  /** Added to both counts (default 0.5, chosen with the scoring weight by cross-validation on the answer eval's dev split). */
  smoothing?: number;
  /** Questions a question term and a pair must each be seen in (default 2). */
  minEvidence?: number;
}

/** Learns the vocabulary from examples; an example with no answering sentence teaches nothing. Deterministic. */
export function learnAnswerVocabulary(examples: readonly VocabularyExample[], options: LearnOptions = {}): AnswerVocabulary {
  const smoothing = options.smoothing ?? 0.5;
  const minEvidence = options.minEvidence ?? 2;
  const answers = new Map<string, Map<string, number>>();
  const expected = new Map<string, Map<string, number>>();
  const questions = new Map<string, number>();
  const add = (table: Map<string, Map<string, number>>, q: string, s: string, amount: number) => {
    let row = table.get(q);
    if (row === undefined) table.set(q, (row = new Map()));
    row.set(s, (row.get(s) ?? 0) + amount);
  };
  for (const example of examples) {
    const sentences = example.sentences.map((sentence) => ({ terms: new Set(sentence.terms), answers: sentence.answers }));
    const answering = new Set(sentences.filter((sentence) => sentence.answers).flatMap((sentence) => [...sentence.terms]));
    if (answering.size === 0) continue;
    const share = new Map<string, number>();
    for (const sentence of sentences) for (const term of sentence.terms) share.set(term, (share.get(term) ?? 0) + 1 / sentences.length);
    const asked = new Set(example.questionTerms);
    for (const q of asked) {
      questions.set(q, (questions.get(q) ?? 0) + 1);
      for (const s of answering) if (!asked.has(s)) add(answers, q, s, 1);
      for (const [s, amount] of share) if (!asked.has(s)) add(expected, q, s, amount);
    }
  }
  const vocabulary = new Map<string, Map<string, number>>();
  for (const q of [...answers.keys()].sort()) {
    if ((questions.get(q) ?? 0) < minEvidence) continue;
    const row = new Map<string, number>();
    for (const [s, count] of [...answers.get(q)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (count < minEvidence) continue;
      const weight = Number(Math.log((count + smoothing) / ((expected.get(q)?.get(s) ?? 0) + smoothing)).toFixed(3));
      if (weight > 0) row.set(s, weight);
    }
    if (row.size > 0) vocabulary.set(q, row);
  }
  return vocabulary;
}

/**
 * How strongly a sentence's other terms answer the question's terms: per question term the best
 * weight among the sentence terms the question does not itself use, averaged over the question's
 * terms (0 with no vocabulary entry); a term only of the situation stated beside the question counts
 * `situationShare` of one, as it does in the rest of sentence scoring.
 */
export function answerVocabularyMatch(
  vocabulary: AnswerVocabulary,
  questionTerms: readonly string[],
  sentenceTerms: ReadonlySet<string>,
  /** Question terms that count `situationShare` of a term (those only of the situation stated beside the question). */
  situation?: ReadonlySet<string>,
  situationShare = 1,
): number {
  if (questionTerms.length === 0) return 0;
  let sum = 0;
  let total = 0;
  for (const q of questionTerms) {
    const share = situation?.has(q) === true ? situationShare : 1;
    total += share;
    const row = vocabulary.get(q);
    if (row === undefined) continue;
    let best = 0;
    for (const s of sentenceTerms) {
      const weight = row.get(s);
      if (weight !== undefined && weight > best && !questionTerms.includes(s)) best = weight;
    }
    sum += share * best;
  }
  return total === 0 ? 0 : sum / total;
}

const FileSchema = z
  .object({
    version: z.literal(1),
    /** Where it was learned from, for the reader (not used). */
    learnedFrom: z.object({ questions: z.string(), corpus: z.string(), examples: z.number().int().min(0) }).strict(),
    terms: z.record(z.string().min(1), z.record(z.string().min(1), z.number().positive().finite())),
  })
  .strict();

/** The file form: one line per question term, sorted, so a relearned file diffs by term. */
export function serializeAnswerVocabulary(vocabulary: AnswerVocabulary, learnedFrom: { questions: string; corpus: string; examples: number }): string {
  const lines = [...vocabulary].map(([q, row]) => `    ${JSON.stringify(q)}: ${JSON.stringify(Object.fromEntries(row))}`);
  return `{\n  "version": 1,\n  "learnedFrom": ${JSON.stringify(learnedFrom)},\n  "terms": {\n${lines.join(',\n')}\n  }\n}\n`;
}

/** Parses the file form; throws with the first problem when it is not one. */
export function parseAnswerVocabulary(text: string): AnswerVocabulary {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`answer vocabulary is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`answer vocabulary is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return new Map(Object.entries(parsed.data.terms).map(([q, row]) => [q, new Map(Object.entries(row))]));
}
