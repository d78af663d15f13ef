import { generateText, streamText, type LanguageModel } from 'ai';
import { AppError } from '../../shared/errors/app-error.ts';
import type { GenerationInput, GenerationResult, Generator } from '../ports/generator.ts';
import { withDeadline } from './deadline.ts';
import { postProcessAnswer } from './post-process-answer.ts';
import { buildAdvicePrompt, DEFAULT_MAX_CONTEXT_CHARS } from './prompt.ts';

export interface AiSdkGeneratorOptions {
  /** Generator id shown in answers, e.g. 'openai-compatible:qwen2.5-7b-instruct'. */
  id: string;
  /** A Vercel AI SDK language model (OpenAI-compatible, Bedrock…), see ai-sdk-models.ts. */
  model: LanguageModel;
  /** Most tokens in an answer (default 400). */
  maxOutputTokens?: number;
  /** Sampling temperature (default 0.2). */
  temperature?: number;
  /**
   * Deadline of one call when the generator is used on its own (default none). Behind the
   * resilient wrapper leave it unset: the wrapper's attempt timeout (LLM_TIMEOUT_MS) is the one timer.
   */
  timeoutMs?: number;
  /** Upper bound on passage characters in the prompt (default 6,000). */
  maxContextChars?: number;
  /** Applied to the prompt before it leaves the process (e.g. personal-data redaction for external providers). */
  redact?: (text: string) => string;
}

/**
 * Writes advice with a hosted or self-hosted model through the Vercel AI SDK: `streamText` when
 * the caller wants tokens, `generateText` otherwise, with the shared prompt and citation
 * post-processing. The SDK's own retries are off (`maxRetries: 0`): retrying, timeouts across
 * attempts and circuit breaking belong to the resilient wrapper, so there is one retry mechanism.
 * Provider failures surface as `upstream-unavailable`, the deadline as `upstream-timeout`.
 */
export class AiSdkGenerator implements Generator {
  readonly id: string;
  readonly #options: AiSdkGeneratorOptions;

  constructor(options: AiSdkGeneratorOptions) {
    this.id = options.id;
    this.#options = options;
  }

  async generate(input: GenerationInput): Promise<GenerationResult> {
    const { model, maxOutputTokens = 400, temperature = 0.2, timeoutMs, maxContextChars = DEFAULT_MAX_CONTEXT_CHARS, redact } = this.#options;
    const prompt = buildAdvicePrompt(input, { maxContextChars });
    const user = redact ? redact(prompt.user) : prompt.user;
    const call = { model, system: prompt.system, prompt: user, maxOutputTokens, temperature, maxRetries: 0 };
    const raw = await withDeadline(input.signal, timeoutMs, `${this.id} generation`, async (signal) => {
      try {
        if (!input.onToken) return (await generateText({ ...call, abortSignal: signal })).text;
        return await this.#stream(call, signal, input.onToken);
      } catch (error) {
        if (signal.aborted) throw error;
        throw new AppError('upstream-unavailable', { detail: `${this.id}: ${describe(error)}`, cause: error });
      }
    });
    const processed = postProcessAnswer(raw, new Set(input.passages.map((passage) => passage.citation)));
    return { text: processed.text, citations: processed.citations, generator: this.id };
  }

  async #stream(call: Parameters<typeof streamText>[0], signal: AbortSignal, onToken: (token: string) => void): Promise<string> {
    let text = '';
    let failure: unknown;
    // Errors reach the stream as 'error' parts (streamText does not throw them), so collect and rethrow.
    const result = streamText({ ...call, abortSignal: signal, onError: ({ error }) => void (failure ??= error) });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        text += part.text;
        onToken(part.text);
      } else if (part.type === 'error') {
        failure ??= part.error;
      } else if (part.type === 'abort') {
        signal.throwIfAborted();
        failure ??= new Error('the stream was aborted');
      }
    }
    if (failure !== undefined) throw failure;
    return text;
  }
}

/** A short reason without response bodies or headers (they may echo the prompt or credentials). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? `${error.name} (HTTP ${status})` : `${error.name}: ${error.message.slice(0, 200)}`;
}
