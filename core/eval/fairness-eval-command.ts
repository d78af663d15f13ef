import { parseArgs } from 'node:util';
import { parseCoreConfig, type CoreConfig } from '../config.ts';
import { buildConfiguredDemoPipeline } from './demo-pipeline.ts';
import { evaluateFairness, loadFairnessQuestions } from './fairness-eval.ts';
import { templateProbeQuestions } from './fairness-template-probe.ts';
import { contextProbeQuestions } from './fairness-context-probe.ts';
import type { FairnessSplit } from './fairness-eval.ts';

export const DEFAULT_FAIRNESS_QUESTIONS = 'data/eval/fairness-questions.jsonl';
export const DEFAULT_FAIRNESS_CORPUS = 'data/corpus/lending-guide.jsonl';

const USAGE =
  'usage: npm run eval -- fairness [--json] [--verbose] [--generator extractive|llama-cpp|openai-compatible|workers-ai|bedrock] [--questions path] [--corpus path] [--limit N] [--split dev|test] [--raw] [--template-probe | --context-probe] [--threshold 0.3] [--max-variants 3]';

export interface FairnessEvalCommandOptions {
  /** Where the generator and fairness settings come from, as the service reads them (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** HTTP client for model providers (tests). */
  fetch?: typeof globalThis.fetch;
}

/**
 * `npm run eval -- fairness`: the fairness suite through the advice pipeline as the service runs
 * it over the demo corpus (core/eval/demo-pipeline.ts: EMBEDDER, RETRIEVAL, RETRIEVAL_TOP_K, the
 * FAIRNESS_* check and the generation budget from the same settings builder as the service) for
 * the configured generator — GENERATOR and its LLM_* settings, built by the service's
 * `createGenerator` (a model behind the resilient wrapper with the extractive fallback; prompts
 * redacted as the service redacts them). `--generator` overrides GENERATOR, `--threshold` and
 * `--max-variants` override FAIRNESS_THRESHOLD and FAIRNESS_MAX_VARIANTS, `--raw` answers the
 * borrower's words without neutralisation, `--template-probe` asks every dev base again in the
 * templates of core/eval/fairness-template-probe.ts instead of the suite's own variants, `--context-probe`
 * with the statements naming no basis of core/eval/fairness-context-probe.ts (`--split` picks the set
 * of statements; the bases are dev's). Prints per-question consistency, overall consistency
 * over the questions held to it, the rule check of legitimate questions, flag rates and the share
 * of answers that fell back to extractive (or one JSON object with --json). Returns the exit code.
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
        'template-probe': { type: 'boolean', default: false },
        'context-probe': { type: 'boolean', default: false },
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
  if (values['template-probe'] && values['context-probe']) {
    console.error(`eval fairness: --template-probe and --context-probe are two probes; run one at a time\n${USAGE}`);
    return 2;
  }

  let config: CoreConfig;
  try {
    config = parseCoreConfig({
      ...env,
      ...(values.generator !== undefined ? { GENERATOR: values.generator } : {}),
      ...(threshold !== undefined ? { FAIRNESS_THRESHOLD: String(threshold) } : {}),
      ...(maxVariants !== undefined ? { FAIRNESS_MAX_VARIANTS: String(maxVariants) } : {}),
    });
  } catch (error) {
    console.error(`eval fairness: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }

  const started = performance.now();
  const loaded = await loadFairnessQuestions(values.questions);
  const questions = values['template-probe'] ? templateProbeQuestions(loaded) : values['context-probe'] ? contextProbeQuestions(loaded) : loaded;
  const pipeline = await buildConfiguredDemoPipeline({ corpusPath: values.corpus, config, fetch: options.fetch });
  if (!values.json) console.log(`generator: ${pipeline.generatorDescription}`);
  try {
    await pipeline.warmUp();
    // --raw: the generator on the borrower's own words, without the pipeline's neutralisation.
    const deps = values.raw ? { ...pipeline.deps, neutralizeQuestions: false } : pipeline.deps;
    const result = await evaluateFairness({ pipeline: deps, embedder: pipeline.servingEmbedder }, questions, { limit, split, threshold: config.FAIRNESS_THRESHOLD });
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    if (values.json) {
      console.log(JSON.stringify({ ...result, split: split ?? 'all', neutralized: !values.raw, generatorDescription: pipeline.generatorDescription, seconds, perQuestion: values.verbose ? result.perQuestion : result.perQuestion.map(({ id, attribute, consistency, legitimate, ruleStated }) => ({ id, attribute, consistency, legitimate, ruleStated })) }));
      return 0;
    }
    console.log(
      `${title(values, split)}${values.raw ? ' without neutralisation' : ''}: ${result.questions} questions held to consistency (${result.variants} variants) and ${result.legitimate.questions} where the characteristic bears on a rule, ` +
        `generator ${result.generator}, threshold ${result.threshold}, retrieval ${config.RETRIEVAL} top ${config.RETRIEVAL_TOP_K}, counterfactual check ${config.FAIRNESS_COUNTERFACTUAL}, corpus ${pipeline.documents} documents`,
    );
    console.table(
      Object.fromEntries(
        result.perQuestion.map((question) => [
          question.id,
          {
            attribute: question.attribute,
            consistency: question.consistency,
            rule: question.legitimate === undefined ? '' : `${question.legitimate}: ${question.ruleStated ? 'stated' : 'NOT stated'}`,
            flagged: `${question.variants.filter((variant) => variant.flagged).length}/${question.variants.length}`,
            ...(values.verbose ? { scores: question.variants.map((variant) => variant.score).join(' ') } : {}),
          },
        ]),
      ),
    );
    console.table(result.byAttribute);
    console.log(
      `overall consistency ${result.consistency} (questions consistent: ${result.consistentRate}); ` +
        `legitimate questions stating the rule in every answer: ${Math.round(result.legitimate.ruleStatedRate * result.legitimate.questions)} of ${result.legitimate.questions}; ` +
        `flag rate ${result.flagRate} (conditioning ${result.flagRateByReason.conditioning}, mentions ${result.flagRateByReason.mentions}, counterfactual ${result.flagRateByReason.counterfactual}); ` +
        `neutral answers returned ${result.neutralAnswerRate}; variants with a fallback answer ${result.degradedRate}; ${seconds}s`,
    );
    return 0;
  } finally {
    await pipeline.close();
  }
}

/** What the run asked, in words: the suite or a probe of its dev bases, and which split (for the context probe, which statements). */
function title(values: { 'template-probe'?: boolean; 'context-probe'?: boolean }, split: FairnessSplit | undefined): string {
  if (values['context-probe']) return `context probe of the dev bases${split === undefined ? '' : split === 'dev' ? ' (tuning statements)' : ' (held-out statements)'}`;
  const what = values['template-probe'] ? 'template probe of the dev bases' : 'fairness suite';
  return `${what}${split ? ` (${split} split)` : ''}`;
}
