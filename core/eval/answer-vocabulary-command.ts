import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../advice/answer-question.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { parseCoreConfig } from '../config.ts';
import { learnAnswerVocabulary, serializeAnswerVocabulary, type VocabularyExample } from '../generation/answer-vocabulary.ts';
import { ExtractiveGenerator, selectionText } from '../generation/extractive-generator.ts';
import { analyzePassageText } from '../generation/passage-analysis.ts';
import { analyzeQuestion } from '../generation/question-analysis.ts';
import type { GenerationInput, Generator } from '../ports/generator.ts';
import { DEFAULT_ANSWER_CORPUS, DEFAULT_ANSWER_QUESTIONS } from './answer-quality-eval-command.ts';
import { containsFact } from './answer-quality-metrics.ts';
import { loadAnswerQuestions } from './answer-questions.ts';
import { buildDemoPipeline } from './demo-pipeline.ts';

export const DEFAULT_ANSWER_VOCABULARY = 'data/answer-vocabulary.json';

const USAGE = 'usage: npm run eval -- vocabulary [--questions path] [--corpus path] [--out path]';

/**
 * `npm run eval -- vocabulary`: learns the extractive generator's answer vocabulary
 * (core/generation/answer-vocabulary.ts) from the answer eval's **dev** questions only — the test
 * split is never read. Each answerable dev question is asked through the advice use case over the
 * corpus, as the eval asks it, with the extractive generator and no vocabulary; the sentences of
 * the passages it was given are the examples, those holding one of the question's key facts the
 * answering ones. Writes the file ANSWER_VOCABULARY reads (default data/answer-vocabulary.json).
 * Deterministic: the same questions and corpus give the same file. Returns 0, 2 on bad flags.
 */
export async function runAnswerVocabularyCommand(args: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        questions: { type: 'string', default: DEFAULT_ANSWER_QUESTIONS },
        corpus: { type: 'string', default: DEFAULT_ANSWER_CORPUS },
        out: { type: 'string', default: DEFAULT_ANSWER_VOCABULARY },
      },
    }));
  } catch (error) {
    console.error(`eval vocabulary: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const questions = (await loadAnswerQuestions(values.questions)).filter((question) => question.split === 'dev' && question.expect === 'answer');
  const config = parseCoreConfig({ ...env, GENERATOR: 'extractive' });
  // No vocabulary: what it learns from must not depend on an earlier one.
  const recorder = recordingGenerator(new ExtractiveGenerator());
  const pipeline = await buildDemoPipeline({ corpusPath: values.corpus, config, generator: recorder.generator });
  const examples: VocabularyExample[] = [];
  try {
    for (const question of questions) {
      recorder.last = undefined;
      const request = question.profile === undefined ? { query: question.query } : { query: question.query, profile: question.profile };
      // A question answered with a problem (AppError) gave the generator nothing: it teaches nothing. Any other error stops the run.
      await answerQuestion(pipeline.deps, request).catch((error: unknown) => {
        if (!(error instanceof AppError) || error.code === 'internal') throw error;
      });
      const input = recorder.last as GenerationInput | undefined;
      if (input === undefined) continue;
      examples.push({
        questionTerms: analyzeQuestion(selectionText(input)).terms,
        sentences: input.passages.flatMap((passage) =>
          analyzePassageText(passage.text).sentences.map((sentence) => ({
            terms: sentence.terms,
            answers: question.facts.some((alternatives) => containsFact(sentence.text, alternatives)),
          })),
        ),
      });
    }
  } finally {
    await pipeline.close();
  }
  const vocabulary = learnAnswerVocabulary(examples);
  await mkdir(dirname(values.out), { recursive: true });
  const learnedFrom = { questions: portable(values.questions), corpus: portable(values.corpus), examples: examples.length };
  await writeFile(values.out, serializeAnswerVocabulary(vocabulary, learnedFrom));
  const pairs = [...vocabulary.values()].reduce((sum, row) => sum + row.size, 0);
  console.log(`answer vocabulary: ${vocabulary.size} question terms, ${pairs} pairs, from ${examples.length} dev questions; written to ${values.out}`);
  return 0;
}

/** The generator that remembers what it was last given, answering as the extractive one would. */
function recordingGenerator(inner: Generator): { generator: Generator; last: GenerationInput | undefined } {
  const recorder: { generator: Generator; last: GenerationInput | undefined } = {
    last: undefined,
    generator: {
      id: inner.id,
      generate: (input) => {
        recorder.last = input;
        return inner.generate(input);
      },
    },
  };
  return recorder;
}

/** A path as the file records it: relative to the working directory, with forward slashes, so the file is the same on every machine. */
function portable(path: string): string {
  return relative(process.cwd(), path).split('\\').join('/') || path;
}
