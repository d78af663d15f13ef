import type { GenerationInput, GenerationResult, Generator } from '../ports/generator.ts';
import type { SemanticAnswerCache } from './semantic-answer-cache.ts';

export interface CachedGeneratorOptions {
  generator: Generator;
  cache: SemanticAnswerCache;
  /** Embeds a question when the pipeline did not pass one (BM25-only retrieval); without it such inputs are not cached. */
  embed?: (text: string) => Promise<Float32Array>;
  onLookup?: (event: { hit: boolean }) => void;
}

/**
 * Answers from the semantic answer cache when a question close enough to an earlier one comes in
 * for the same index version, profile bucket and passages; otherwise generates and caches the
 * answer. Degraded (fallback) and uncited answers are never cached, so a recovered provider is
 * used again at once. Inputs without an index version are passed straight through.
 */
export class CachedGenerator implements Generator {
  readonly id: string;
  readonly #options: CachedGeneratorOptions;

  constructor(options: CachedGeneratorOptions) {
    this.id = options.generator.id;
    this.#options = options;
  }

  async generate(input: GenerationInput): Promise<GenerationResult> {
    const { generator, cache, embed, onLookup } = this.#options;
    if (input.indexVersion === undefined) return generator.generate(input);
    const vector = input.queryVector ?? (embed ? await embed(input.query) : undefined);
    if (!vector) return generator.generate(input);
    const scope = { indexVersion: input.indexVersion, profile: input.profile, passages: input.passages };
    const hit = cache.lookup(scope, vector);
    onLookup?.({ hit: hit !== undefined });
    if (hit) {
      input.onToken?.(hit.result.text);
      return { ...hit.result, cacheHit: true };
    }
    const result = await generator.generate(input);
    if (!result.degraded && result.citations.length > 0) cache.store(scope, vector, result);
    return result;
  }
}
