import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../core/advice/answer-question.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { buildDemoPipeline } from '../../../core/eval/demo-pipeline.ts';
import type { GenerationInput, GenerationResult, Generator } from '../../../core/ports/generator.ts';
import { createExtractiveGenerator } from '../../../core/runtime/advice.ts';
import { NOT_COVERED_ANSWER } from '../../../core/generation/extractive-generator.ts';

/** Records what the generator is given. */
class RecordingGenerator implements Generator {
  readonly id = 'recording';
  input: GenerationInput | undefined;
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.input = input;
    return { text: 'Quoted [1].', citations: [1], generator: this.id };
  }
}

const config = parseCoreConfig({ FAIRNESS_COUNTERFACTUAL: 'off' });
const corpusPath = 'data/corpus/lending-guide.jsonl';
const asked = 'What credit score do I need for a jumbo loan?';
const withScene = `This is all so confusing to me. ${asked} Be gentle!`;

describe('answerQuestion reads the question without statements that only set the scene', async () => {
  const recording = new RecordingGenerator();
  const recorded = await buildDemoPipeline({ corpusPath, config, generator: recording });
  const extractive = await buildDemoPipeline({ corpusPath, config, generator: createExtractiveGenerator(config) });
  afterAll(async () => {
    await recorded.close();
    await extractive.close();
  });

  it('retrieves for the asked sentence and gives a model the whole text, tone included', async () => {
    const plain = await answerQuestion(recorded.deps, { query: asked });
    const scene = await answerQuestion(recorded.deps, { query: withScene });
    expect(recording.input).toMatchObject({ query: withScene, focus: asked });
    expect(scene.sources.map((source) => source.id)).toEqual(plain.sources.map((source) => source.id));
  });

  it('gives the extractive answer the question gets without the scene', async () => {
    const plain = await answerQuestion(extractive.deps, { query: asked });
    const scene = await answerQuestion(extractive.deps, { query: withScene });
    expect(plain.advice).toMatch(/700 to 720/);
    expect(scene.advice).toBe(plain.advice);
  });

  it('answers a standalone question beside a statement of one plain title word ("budget") as it answers the question alone', async () => {
    // With the budget's words weighed as the question's, these answers changed: other sentences, another lead; at half
    // weight the sentences stayed; since the thirteenth session the statement sets the scene and goes.
    // The order of the sentences after the lead may still move with the learned answer vocabulary.
    const quoted = (advice: string) => advice.split(/(?<=\.)\s+/u).sort();
    for (const question of ['Can I get an FHA loan with a 580 credit score?', 'When can I get the PMI taken off my conventional loan?']) {
      const plain = await answerQuestion(extractive.deps, { query: question });
      const situated = await answerQuestion(extractive.deps, { query: `${question} My budget is tight these days.` });
      expect(quoted(situated.advice)).toEqual(quoted(plain.advice));
      expect(situated.advice.split(/(?<=\.)\s+/u)[0]).toBe(plain.advice.split(/(?<=\.)\s+/u)[0]);
      expect(situated.sources.map((source) => source.id)).toEqual(plain.sources.map((source) => source.id));
    }
  });

  it('reads whether the question is about borrowing from the asked sentence too: a situation of everyday words does not refuse it', async () => {
    // The nurse's statement took the whole text's relevance (15.1 alone) to 12.7, below the bar for weaker matches.
    for (const statement of ['I work as a nurse and I am trying to plan ahead.', 'I just changed jobs and I am trying to plan ahead.']) {
      const answer = await answerQuestion(extractive.deps, { query: `${statement} When can I get the PMI taken off my conventional loan?` });
      expect(answer.advice).not.toBe(NOT_COVERED_ANSWER);
      expect(answer.sources.map((source) => source.id)).toContain('private-mortgage-insurance-pmi');
    }
  });

  it('answers the nurse who plans ahead from the points guide: the statement sets the scene', async () => {
    // Had opened with the self-employed guide's "Plan ahead: … talk with your tax preparer…".
    const answer = await answerQuestion(extractive.deps, { query: "I work as a nurse and I'm trying to plan ahead. Are mortgage points tax deductible?" });
    expect(answer.advice).toMatch(/^Points on a home purchase may be tax deductible/u);
  });

  it('still refuses a question whose scene is off-topic', async () => {
    const answer = await answerQuestion(extractive.deps, { query: 'My landlord is keeping my whole security deposit for normal wear and tear. How do I get it back?' });
    expect(answer.advice).toBe(NOT_COVERED_ANSWER);
  });
});
