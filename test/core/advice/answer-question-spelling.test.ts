import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../core/advice/answer-question.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { buildDemoPipeline } from '../../../core/eval/demo-pipeline.ts';
import type { GenerationInput, GenerationResult, Generator } from '../../../core/ports/generator.ts';

/** Records the question text the generator is given. */
class RecordingGenerator implements Generator {
  readonly id = 'recording';
  query = '';
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.query = input.query;
    return { text: 'Quoted [1].', citations: [1], generator: this.id };
  }
}

describe('answerQuestion reads misspelt words as the knowledge base’s own', async () => {
  const generator = new RecordingGenerator();
  const pipeline = await buildDemoPipeline({ corpusPath: 'data/corpus/lending-guide.jsonl', config: parseCoreConfig({ FAIRNESS_COUNTERFACTUAL: 'off' }), generator });
  afterAll(() => pipeline.close());

  it('retrieves and generates from the corrected question', async () => {
    const response = await answerQuestion(pipeline.deps, { query: 'apprasal came in way under what we offerd on the house, now what' });
    expect(generator.query).toBe('Appraisal came in way under what we offered on the house, now what');
    expect(response.sources.map((source) => source.id)).toContain('appraisals-vs-home-inspections');
  });

  it('consults the service’s English dictionary: a real word stays, a changed letter is put back', async () => {
    // The guide never says "realtor"; without the dictionary it read as "relator" (its stem, relat, is the guide's).
    await answerQuestion(pipeline.deps, { query: 'My realtor says the seperate HOA assesment is normal. Can I refinanse?' });
    expect(generator.query).toBe('My realtor says the separate HOA assessment is normal. Can I refinance?');
  });

  it('leaves a correctly spelt question exactly as asked', async () => {
    await answerQuestion(pipeline.deps, { query: 'What credit score do I need for an FHA loan?' });
    expect(generator.query).toBe('What credit score do I need for an FHA loan?');
  });
});
