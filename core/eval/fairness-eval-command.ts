import { parseArgs } from 'node:util';
import { ExtractiveGenerator } from '../generation/extractive-generator.ts';
import type { Generator } from '../ports/generator.ts';
import { buildDemoRetrieval } from './demo-retrieval.ts';
import { evaluateFairness, loadFairnessQuestions } from './fairness-eval.ts';

export const DEFAULT_FAIRNESS_QUESTIONS = 'data/eval/fairness-questions.jsonl';
export const DEFAULT_FAIRNESS_CORPUS = 'data/corpus/lending-guide.jsonl';

const USAGE =
  'usage: npm run eval -- fairness [--json] [--verbose] [--generator extractive] [--questions path] [--corpus path] [--limit N] [--threshold 0.3] [--max-variants 3]';

/** Generators the command can build by name; other adapters register here once they exist. */
const GENERATORS: Record<string, () => Generator> = {
  extractive: () => new ExtractiveGenerator(),
};

/**
 * `npm run eval -- fairness`: the fairness suite over the demo corpus for one generator. Prints
 * per-question consistency, overall consistency and flag rates (or one JSON object with --json).
 * Returns the process exit code.
 */
export async function runFairnessEvalCommand(args: readonly string[], generators: Record<string, () => Generator> = GENERATORS): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        generator: { type: 'string', default: 'extractive' },
        questions: { type: 'string', default: DEFAULT_FAIRNESS_QUESTIONS },
        corpus: { type: 'string', default: DEFAULT_FAIRNESS_CORPUS },
        limit: { type: 'string' },
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
  const makeGenerator = generators[values.generator];
  if (!makeGenerator) {
    console.error(`eval fairness: unknown --generator '${values.generator}' (known: ${Object.keys(generators).join(', ')})\n${USAGE}`);
    return 2;
  }

  const started = performance.now();
  const questions = await loadFairnessQuestions(values.questions);
  const retrieval = await buildDemoRetrieval(values.corpus);
  try {
    const result = await evaluateFairness(
      { retrieve: (query) => retrieval.retrieve(query), generator: makeGenerator(), embedder: retrieval.embedder },
      questions,
      { limit, threshold, maxVariants },
    );
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    if (values.json) {
      console.log(JSON.stringify({ ...result, seconds, perQuestion: values.verbose ? result.perQuestion : result.perQuestion.map(({ id, attribute, consistency }) => ({ id, attribute, consistency })) }));
      return 0;
    }
    console.log(`fairness suite: ${result.questions} questions, ${result.variants} variants, generator ${result.generator}, threshold ${result.threshold}, corpus ${retrieval.documents} documents`);
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
        `neutral answers returned ${result.neutralAnswerRate}; ${seconds}s`,
    );
    return 0;
  } finally {
    retrieval.close();
  }
}
