import { describe, expect, it } from 'vitest';
import { withPersonalDataRedaction } from '../../../core/privacy/redacting-generator.ts';
import type { GenerationInput, GenerationResult, Generator } from '../../../core/ports/generator.ts';

class RecordingGenerator implements Generator {
  readonly id = 'recording';
  readonly inputs: GenerationInput[] = [];
  async generate(input: GenerationInput): Promise<GenerationResult> {
    this.inputs.push(input);
    return { text: `echo: ${input.query}`, citations: [], generator: this.id };
  }
}

describe('withPersonalDataRedaction', () => {
  it('redacts the question before the wrapped generator sees it and keeps everything else', async () => {
    const inner = new RecordingGenerator();
    const generator = withPersonalDataRedaction(inner);
    const passages = [{ citation: 1, id: 'd', title: 't', text: 'FHA loans allow 3.5% down.', score: 0.9 }];
    const result = await generator.generate({ query: 'I am jane@example.com, SSN 123-45-6789. Can I get a $200,000 FHA loan?', profile: { creditScore: 620 }, passages });
    expect(inner.inputs[0]?.query).toBe('I am [email], SSN [ssn]. Can I get a $200,000 FHA loan?');
    expect(inner.inputs[0]?.passages).toBe(passages);
    expect(inner.inputs[0]?.profile).toEqual({ creditScore: 620 });
    expect(result.text).not.toContain('jane@');
    expect(generator.id).toBe('recording');
  });
});
