import type { GenerationInput, GenerationResult, Generator } from '../ports/generator.ts';
import { redactPersonalData } from './personal-data.ts';

/**
 * Wraps a generator (typically one that calls an external provider) so that the question it
 * receives has personal data replaced by placeholders first. Passages come from the knowledge
 * base and are passed through; the profile holds only numbers and enums by schema. Other members
 * of the wrapped generator (e.g. streaming) are not proxied: wrap at the point where only
 * `generate` is used, or extend this when the port grows.
 */
export function withPersonalDataRedaction(generator: Generator): Generator {
  return {
    id: generator.id,
    generate(input: GenerationInput): Promise<GenerationResult> {
      return generator.generate({ ...input, query: redactPersonalData(input.query).text });
    },
  };
}
