import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../core/advice/answer-question.ts';
import { keepCitedSources } from '../../../core/advice/cited-sources.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { buildDemoPipeline, type DemoPipeline } from '../../../core/eval/demo-pipeline.ts';
import { EXTRACTIVE_CANDIDATE_PASSAGES, ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import type { GenerationInput, GenerationResult, Generator } from '../../../core/ports/generator.ts';
import type { AdviceSource } from '../../../shared/contracts/advice.ts';

const source = (id: string): AdviceSource => ({ id, title: id, score: 1, excerpt: id });

describe('keepCitedSources', () => {
  it('keeps the cited sources in the order the answer first cites them and renumbers the markers', () => {
    const sources = ['a', 'b', 'c', 'd', 'e'].map(source);
    const kept = keepCitedSources('First [4]. Second [2]. Third [4] and [5].', [2, 4, 5], sources);
    expect(kept.text).toBe('First [1]. Second [2]. Third [1] and [3].');
    expect(kept.sources.map((kept) => kept.id)).toEqual(['d', 'b', 'e']);
  });

  it('leaves bracketed numbers that are not citations alone, and keeps nothing for an answer citing nothing', () => {
    const sources = ['a', 'b'].map(source);
    expect(keepCitedSources('Rule [2] of section [7].', [2], sources)).toEqual({ text: 'Rule [1] of section [7].', sources: [sources[1]] });
    expect(keepCitedSources('Not covered.', [], sources)).toEqual({ text: 'Not covered.', sources: [] });
  });
});

/** Records the passages it is given and cites the first of them. */
class RecordingGenerator implements Generator {
  readonly id = 'recording';
  passages = 0;
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.passages = input.passages.length;
    return { text: 'Quoted [1].', citations: [1], generator: this.id };
  }
}

describe('answerQuestion with the extractive generator', async () => {
  const config = parseCoreConfig({ GENERATOR: 'extractive', FAIRNESS_COUNTERFACTUAL: 'off' });
  const extractive = new ExtractiveGenerator();
  const pipeline: DemoPipeline = await buildDemoPipeline({ corpusPath: 'data/corpus/lending-guide.jsonl', config, generator: extractive });
  afterAll(() => pipeline.close());

  it('chooses from more passages than a model is given and lists only the ones it cites, numbered as cited', async () => {
    const seen: GenerationInput[] = [];
    const generator: Generator = { id: extractive.id, generate: (input) => (seen.push(input), extractive.generate(input)) };
    const response = await answerQuestion({ ...pipeline.deps, generator }, { query: 'How long is the draw period on a HELOC?' });
    expect(seen[0]!.passages).toHaveLength(Math.max(config.RETRIEVAL_TOP_K, EXTRACTIVE_CANDIDATE_PASSAGES));
    const markers = [...response.advice.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
    expect(response.sources.length).toBeGreaterThan(0);
    expect(response.sources.length).toBeLessThan(seen[0]!.passages.length);
    // Every source is cited, every marker points at a source, and they are numbered in order of first citation.
    expect([...new Set(markers)]).toEqual(response.sources.map((_, i) => i + 1));
    expect(response.sources[0]!.id).toBe('home-equity-loans-vs-helocs');
  });

  it('sends meta with the cited sources, then the answer, to a streaming caller', async () => {
    const events: string[] = [];
    let metaSources: AdviceSource[] = [];
    const response = await answerQuestion(pipeline.deps, { query: 'How long is the draw period on a HELOC?' }, undefined, {
      onRetrieved: (meta) => (events.push('meta'), (metaSources = meta.sources)),
      onToken: (token) => events.push(`token:${token}`),
    });
    expect(events).toEqual(['meta', `token:${response.advice}`]);
    expect(metaSources).toEqual(response.sources);
  });

  it('gives a model generator RETRIEVAL_TOP_K passages and lists them all', async () => {
    const generator = new RecordingGenerator();
    const response = await answerQuestion({ ...pipeline.deps, generator }, { query: 'How long is the draw period on a HELOC?' });
    expect(generator.passages).toBe(config.RETRIEVAL_TOP_K);
    expect(response.sources).toHaveLength(config.RETRIEVAL_TOP_K);
  });
});
