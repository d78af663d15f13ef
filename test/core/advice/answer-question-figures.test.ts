import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../core/advice/answer-question.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { buildDemoPipeline, type DemoPipeline } from '../../../core/eval/demo-pipeline.ts';
import type { GenerationInput, GenerationResult, Generator } from '../../../core/ports/generator.ts';

/** Records what the pipeline hands the generator and cites every passage. */
class RecordingGenerator implements Generator {
  readonly id = 'recording';
  inputs: GenerationInput[] = [];
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.inputs.push(input);
    const citations = input.passages.map((passage) => passage.citation);
    return { text: `${(input.figures ?? []).map((figure) => figure.text).join(' ')} ${citations.map((n) => `[${n}]`).join('')}`, citations, generator: this.id };
  }
}

describe('answerQuestion works out the borrower’s numbers', async () => {
  const generator = new RecordingGenerator();
  const pipeline: DemoPipeline = await buildDemoPipeline({
    corpusPath: 'data/corpus/lending-guide.jsonl',
    config: parseCoreConfig({ GENERATOR: 'extractive', FAIRNESS_COUNTERFACTUAL: 'off' }),
    generator,
  });
  afterAll(() => pipeline.close());

  it('passes the worked figures and the unreadable ones to the generator', async () => {
    await answerQuestion(pipeline.deps, { query: 'We make $9,000 a month and have a 1200 credit score. By the 28/36 rule what can we spend on housing?' });
    const input = generator.inputs.at(-1)!;
    expect(input.figures?.map((figure) => figure.text)).toEqual(['By the 28/36 rule, on $9,000 a month: housing up to $2,520 (28%), all debts up to $3,240 (36%).']);
    expect(input.figureProblems).toEqual(['“1200 credit score” is not a credit score (scores run from 300 to 850).']);
  });

  it('cites the document stating each figure’s rule, adding it when retrieval did not bring it', async () => {
    const response = await answerQuestion(pipeline.deps, { query: 'How much house payment can I afford?', profile: { annualIncome: 120_000, monthlyDebt: 500 } });
    const input = generator.inputs.at(-1)!;
    const rule = input.figures![0]!.sourceDocumentId;
    expect(rule).toBe('budgeting-for-homeownership-28-36-rule');
    expect(input.passages.map((passage) => passage.id)).toContain(rule);
    expect(response.sources.map((source) => source.id)).toContain(rule);
    expect(input.passages.map((passage) => passage.citation)).toEqual(input.passages.map((_, i) => i + 1));
  });

  it('passes no figures for a question without numbers', async () => {
    await answerQuestion(pipeline.deps, { query: 'How long is the draw period on a HELOC?' });
    expect(generator.inputs.at(-1)!.figures).toEqual([]);
  });
});
