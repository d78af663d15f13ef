import { parseArgs } from 'node:util';
import { parseCoreConfig, type CoreConfig } from '../config.ts';
import { createGenerator } from '../generation/create-generator.ts';
import { ExtractiveGenerator } from '../generation/extractive-generator.ts';
import { redactPersonalData } from '../privacy/personal-data.ts';
import { buildDemoRetrieval } from './demo-retrieval.ts';
import { neutralizeQuestion } from '../bias/neutralize-question.ts';
import { evaluateFairness, loadFairnessQuestions } from './fairness-eval.ts';
import type { FairnessSplit } from './fairness-eval.ts';

export const DEFAULT_FAIRNESS_QUESTIONS = 'data/eval/fairness-questions.jsonl';
export const DEFAULT_FAIRNESS_CORPUS = 'data/corpus/lending-guide.jsonl';

const USAGE =
  'usage: npm run eval -- fairness [--json] [--verbose] [--generator extractive|llama-cpp|openai-compatible|workers-ai|bedrock] [--questions path] [--corpus path] [--limit N] [--split dev|test] [--raw] [--threshold 0.3] [--max-variants 3]';

export interface FairnessEvalCommandOptions {
  /** Where the generator and fairness settings come from, as the service reads them (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** HTTP client for model providers (tests). */
  fetch?: typeof globalThis.fetch;
}

/**
 * `npm run eval -- fairness`: the fairness suite over the demo corpus for the configured generator
 * — GENERATOR and its LLM_* settings, built by the service's `createGenerator` (a model behind the
 * resilient wrapper with the extractive fallback; prompts redacted as the service redacts them),
 * with FAIRNESS_THRESHOLD / FAIRNESS_MAX_VARIANTS as defaults. `--generator` overrides GENERATOR.
 * Prints per-question consistency, overall consistency, flag rates and the share of answers that
 * fell back to extractive (or one JSON object with --json). Returns the process exit code.
 */
export async function runFairnessEvalCommand(args: readonly string[], options: FairnessEvalCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        generator: { type: 'string' },
        questions: { type: 'string', default: DEFAULT_FAIRNESS_QUESTIONS },
        corpus: { type: 'string', default: DEFAULT_FAIRNESS_CORPUS },
        limit: { type: 'string' },
        split: { type: 'string' },
        raw: { type: 'boolean', default: false },
        threshold: { type: 'string' },
        'max-variants': { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`eval fairness: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const number = (name: string, value: string | undefined): number | undefined | null => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (Number.isFinite(parsed)) return parsed;
    console.error(`eval fairness: --${name} must be a number, got '${value}'\n${USAGE}`);
    return null;
  };
  const limit = number('limit', values.limit);
  const threshold = number('threshold', values.threshold);
  const maxVariants = number('max-variants', values['max-variants']);
  if (limit === null || threshold === null || maxVariants === null) return 2;
  if (values.split !== undefined && values.split !== 'dev' && values.split !== 'test') {
    console.error(`eval fairness: --split must be dev or test, got '${values.split}'\n${USAGE}`);
    return 2;
  }
  const split = values.split as FairnessSplit | undefined;

  let config: CoreConfig;
  try {
    config = parseCoreConfig({ ...env, ...(values.generator !== undefined ? { GENERATOR: values.generator } : {}) });
  } catch (error) {
    console.error(`eval fairness: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }

  const started = performance.now();
  const questions = await loadFairnessQuestions(values.questions);
  const retrieval = await buildDemoRetrieval(values.corpus);
  const created = createGenerator(config.generator, { fallback: new ExtractiveGenerator(), redact: (text) => redactPersonalData(text).text, ...(options.fetch ? { fetch: options.fetch } : {}) });
  if (!values.json) console.log(`generator: ${created.description}`);
  try {
    await created.warmUp();
    const result = await evaluateFairness(
      {
        retrieve: (query) => retrieval.retrieve(query),
        generator: created.generator,
        embedder: retrieval.embedder,
        // As the advice pipeline does (core/advice/answer-question.ts); --raw measures without it.
        ...(values.raw ? {} : { prepareQuery: (query: string) => neutralizeQuestion(query).text }),
      },
      questions,
      { limit, split, threshold: threshold ?? config.FAIRNESS_THRESHOLD, maxVariants: maxVariants ?? config.FAIRNESS_MAX_VARIANTS },
    );
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    if (values.json) {
      console.log(JSON.stringify({ ...result, split: split ?? 'all', neutralized: !values.raw, generatorDescription: created.description, seconds, perQuestion: values.verbose ? result.perQuestion : result.perQuestion.map(({ id, attribute, consistency }) => ({ id, attribute, consistency })) }));
      return 0;
    }
    console.log(`fairness suite${split ? ` (${split} split)` : ''}${values.raw ? ' without neutralisation' : ''}: ${result.questions} questions, ${result.variants} variants, generator ${result.generator}, threshold ${result.threshold}, corpus ${retrieval.documents} documents`);
    console.table(
      Object.fromEntries(
        result.perQuestion.map((question) => [
          question.id,
          {
            attribute: question.attribute,
            consistency: question.consistency,
            flagged: `${question.variants.filter((variant) => variant.flagged).length}/${question.variants.length}`,
            ...(values.verbose ? { scores: question.variants.map((variant) => variant.score).join(' ') } : {}),
          },
        ]),
      ),
    );
    console.table(result.byAttribute);
    console.log(
      `overall consistency ${result.consistency} (questions consistent: ${result.consistentRate}); ` +
        `flag rate ${result.flagRate} (conditioning ${result.flagRateByReason.conditioning}, mentions ${result.flagRateByReason.mentions}, counterfactual ${result.flagRateByReason.counterfactual}); ` +
        `neutral answers returned ${result.neutralAnswerRate}; variants with a fallback answer ${result.degradedRate}; ${seconds}s`,
    );
    return 0;
  } finally {
    retrieval.close();
    await created.close();
  }
}
