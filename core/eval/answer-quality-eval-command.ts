import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../advice/answer-question.ts';
import { parseCoreConfig, type CoreConfig } from '../config.ts';
import { evaluateAnswerQuality, type AnswerQualityMetrics, type AnswerQualityRow } from './answer-quality-eval.ts';
import { loadAnswerQuestions, type AnswerEvalQuestion } from './answer-questions.ts';
import { buildConfiguredDemoPipeline } from './demo-pipeline.ts';

export const DEFAULT_ANSWER_QUESTIONS = 'data/eval/answer-questions.jsonl';
export const DEFAULT_ANSWER_CORPUS = 'data/corpus/lending-guide.jsonl';
export const DEFAULT_ANSWER_RESULTS = 'bench/results/answer-quality.json';
/** Where `--with-scene` runs write, so they never replace the plain run's results. */
export const DEFAULT_SCENE_RESULTS = 'bench/results/answer-quality-with-scene.json';

const USAGE =
  'usage: npm run eval -- answers [--split dev|test|all] [--json] [--verbose] [--generator extractive|llama-cpp|openai-compatible|workers-ai|bedrock] [--questions path] [--corpus path] [--limit N] [--with-scene "statement"] [--out path]';

export interface AnswerQualityEvalCommandOptions {
  /** Where the generator and pipeline settings come from, as the service reads them (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** HTTP client for model providers (tests). */
  fetch?: typeof globalThis.fetch;
  /** Today's date for the results file (tests). */
  now?: () => Date;
}

/**
 * `npm run eval -- answers`: the answer-quality questions through the service's advice use case
 * (`answerQuestion` over the demo corpus indexed as the service indexes it) with the configured
 * generator (GENERATOR and LLM_* through `createGenerator`; `--generator` overrides). Prints fact
 * recall, lead, right document cited and refusal precision/recall/accuracy per split (one JSON
 * object with --json; what failed per question with --verbose) and writes them to
 * bench/results/answer-quality.json (`--out`). `--with-scene "A friend told me to ask here."` asks
 * every question after that statement, as a borrower who sets the scene would (written to
 * bench/results/answer-quality-with-scene.json unless `--out` says). Returns 0 (targets are read by
 * people), 2 on bad flags.
 */
export async function runAnswerQualityEvalCommand(args: readonly string[], options: AnswerQualityEvalCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        generator: { type: 'string' },
        split: { type: 'string', default: 'all' },
        questions: { type: 'string', default: DEFAULT_ANSWER_QUESTIONS },
        corpus: { type: 'string', default: DEFAULT_ANSWER_CORPUS },
        limit: { type: 'string' },
        'with-scene': { type: 'string' },
        out: { type: 'string' },
      },
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const split = values.split;
  if (split !== 'dev' && split !== 'test' && split !== 'all') return usageError(`--split must be dev, test or all, got '${split}'`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) return usageError(`--limit must be a positive integer, got '${values.limit}'`);
  const scene = values['with-scene']?.trim();
  if (scene !== undefined && !/\p{L}/u.test(scene)) return usageError('--with-scene must be a statement with words in it');
  const out = values.out ?? (scene === undefined ? DEFAULT_ANSWER_RESULTS : DEFAULT_SCENE_RESULTS);

  let config: CoreConfig;
  try {
    config = parseCoreConfig({ ...env, ...(values.generator !== undefined ? { GENERATOR: values.generator } : {}) });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }

  const started = performance.now();
  const all = await loadAnswerQuestions(values.questions);
  const picked = pick(all, split, limit);
  const questions = scene === undefined ? picked : picked.map((question) => ({ ...question, query: `${scene} ${question.query}` }));
  const pipeline = await buildConfiguredDemoPipeline({ corpusPath: values.corpus, config, fetch: options.fetch });
  if (!values.json) console.log(`generator: ${pipeline.generatorDescription}; embedder: ${pipeline.embedder}; retrieval: ${config.RETRIEVAL}; corpus ${pipeline.documents} documents`);
  try {
    await pipeline.warmUp();
    const { rows, results } = await evaluateAnswerQuality((request) => answerQuestion(pipeline.deps, request), questions, {
      englishOnly: config.generator.kind === 'extractive',
    });
    const report = {
      date: (options.now ?? (() => new Date()))().toISOString().slice(0, 10),
      generator: config.generator.kind,
      generatorDescription: pipeline.generatorDescription,
      retrieval: config.RETRIEVAL,
      questionsFile: values.questions,
      ...(scene !== undefined ? { scene } : {}),
      split,
      ...(limit !== undefined ? { limit } : {}),
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      results,
    };
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify({ ...report, perQuestion: rows.map(brief) }, null, 2)}\n`);
    if (values.json) {
      console.log(JSON.stringify({ ...report, ...(values.verbose ? { perQuestion: rows.map(brief) } : {}) }));
      return 0;
    }
    if (values.verbose) printFailures(rows);
    console.table(Object.fromEntries(Object.entries(results).map(([name, metrics]) => [name, formatted(metrics)])));
    console.log(`targets (issue 14): fact recall ≥ 0.9, lead ≥ 0.8, right document ≥ 0.9, refusals correct both ways ≥ 0.95; written to ${out}; ${report.seconds}s`);
    return 0;
  } finally {
    await pipeline.close();
  }
}

function usageError(message: string): number {
  console.error(`eval answers: ${message}\n${USAGE}`);
  return 2;
}

/** The split's questions, the first `limit` of each split. */
function pick(questions: readonly AnswerEvalQuestion[], split: 'dev' | 'test' | 'all', limit: number | undefined): AnswerEvalQuestion[] {
  const splits = split === 'all' ? (['dev', 'test'] as const) : ([split] as const);
  return splits.flatMap((name) => questions.filter((question) => question.split === name).slice(0, limit));
}

function brief(row: AnswerQualityRow) {
  const { advice, ...rest } = row;
  return { ...rest, adviceStart: advice.slice(0, 160) };
}

function formatted(metrics: AnswerQualityMetrics) {
  const show = (value: number | null) => (value === null ? 'n/a' : value);
  return {
    questions: metrics.questions,
    'fact recall': show(metrics.factRecall),
    lead: show(metrics.lead),
    'right document': show(metrics.rightDocument),
    'refusal precision': show(metrics.refusalPrecision),
    'refusal recall': show(metrics.refusalRecall),
    'refusals correct': show(metrics.refusalsCorrect),
    'language notice': show(metrics.languageNotice),
  };
}

function printFailures(rows: readonly AnswerQualityRow[]): void {
  for (const row of rows) {
    const failures: string[] = [];
    if (row.expected === 'refuse' && row.outcome !== 'refused') failures.push(row.outcome === 'answered' ? 'answered, expected a refusal' : 'refusal listed sources');
    if (row.expected === 'answer' && row.outcome !== 'answered') failures.push(row.outcome === 'refused' ? 'refused, expected an answer' : 'not-covered text with sources');
    if (row.missingFacts.length > 0) failures.push(`missing ${row.missingFacts.map((group) => group.join(' | ')).join('; ')}`);
    if (row.expected === 'answer' && row.lead === false) failures.push('no key fact in the first two sentences');
    if (row.rightDocument === false) failures.push(`cited ${row.cited.join(', ') || 'nothing'}`);
    if (row.languageNotice === false) failures.push('no notice naming the answered language');
    if (failures.length > 0) console.log(`${row.split} ${row.id}: ${failures.join('; ')}${row.problem ? ` (problem ${row.problem})` : ''}`);
  }
}
