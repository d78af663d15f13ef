import type { Llama, LlamaChatSession, LlamaChatSessionOptions, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { AppError } from '../../shared/errors/app-error.ts';
import type { GenerationInput, GenerationResult, Generator } from '../ports/generator.ts';
import { abortReason, withDeadline } from './deadline.ts';
import { postProcessAnswer } from './post-process-answer.ts';
import { buildAdvicePrompt, DEFAULT_MAX_CONTEXT_CHARS } from './prompt.ts';

export interface LlamaCppGeneratorOptions {
  /** Path of the GGUF file. */
  modelPath: string;
  /** Tokens of context per sequence (default 2048); prompts are cut to fit it with room for the answer. */
  contextSize?: number;
  /** Most tokens in an answer (default 320). */
  maxTokens?: number;
  /** Sampling temperature (default 0.2: close to the passages). */
  temperature?: number;
  /** CPU threads (default: node-llama-cpp's choice). */
  threads?: number;
  /**
   * Context sequences, so generations run at once (default 1); more wait their turn. Behind the
   * resilient wrapper this is its bulkhead size (LLM_MAX_CONCURRENT), so none waits here.
   */
  maxConcurrent?: number;
  /**
   * Deadline of one generation including the wait for a sequence, when the generator is used on
   * its own (default none). Behind the resilient wrapper leave it unset: the wrapper's attempt
   * timeout (LLM_TIMEOUT_MS) is the one timer.
   */
  timeoutMs?: number;
  /** Upper bound on passage characters in the prompt (default 6,000), lowered further when the context is small. */
  maxContextChars?: number;
  /** Seed, for repeatable output in tests. */
  seed?: number;
  /**
   * Builds the chat session of one generation (default: node-llama-cpp's `LlamaChatSession`, which
   * formats the prompt with the chat template the GGUF declares). Tests wrap it to see the sequence
   * and the tokens actually evaluated.
   */
  createChatSession?: (options: LlamaChatSessionOptions) => LlamaChatSession;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
}

/** Tokens set aside for the chat template's own markers around the two messages. */
const TEMPLATE_OVERHEAD_TOKENS = 48;

/**
 * Writes advice with a local GGUF model through node-llama-cpp, on the CPU, with the chat format
 * the model's metadata declares (node-llama-cpp picks the wrapper). Nothing is downloaded or built:
 * `getLlama({ gpu: false, build: 'never' })` uses the prebuilt binary or fails. The model loads on
 * first use (or `load()`), once. Tokens are passed to `onToken` as they are written; the caller's
 * signal and the deadline stop generation. Output goes through the citation post-processor; an
 * answer with no valid citation comes back with `citations: []` for the caller to replace.
 */
export class LlamaCppGenerator implements Generator {
  readonly id: string;
  readonly #options: Required<Omit<LlamaCppGeneratorOptions, 'threads' | 'seed' | 'createChatSession' | 'timeoutMs'>> & Pick<LlamaCppGeneratorOptions, 'threads' | 'seed' | 'createChatSession' | 'timeoutMs'>;
  #loading: Promise<Loaded> | undefined;
  readonly #free: LlamaContextSequence[] = [];
  readonly #waiting: Array<(sequence: LlamaContextSequence) => void> = [];

  constructor(options: LlamaCppGeneratorOptions) {
    this.#options = {
      contextSize: 2048,
      maxTokens: 320,
      temperature: 0.2,
      maxConcurrent: 1,
      maxContextChars: DEFAULT_MAX_CONTEXT_CHARS,
      ...options,
    };
    if (this.#options.maxTokens + 256 > this.#options.contextSize) {
      throw new AppError('validation-failed', { detail: `contextSize ${this.#options.contextSize} leaves no room for a prompt with maxTokens ${this.#options.maxTokens}` });
    }
    const file = options.modelPath.split(/[\\/]/).pop() ?? options.modelPath;
    this.id = `llama-cpp:${file.replace(/\.gguf$/i, '')}`;
  }

  /** Loads the binary, the model and one context (with `maxConcurrent` sequences). Safe to call repeatedly. */
  load(): Promise<Loaded> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  async #load(): Promise<Loaded> {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    try {
      const model = await llama.loadModel({ modelPath: this.#options.modelPath });
      const context = await model.createContext({
        contextSize: this.#options.contextSize,
        sequences: this.#options.maxConcurrent,
        ...(this.#options.threads === undefined ? {} : { threads: this.#options.threads }),
      });
      for (let i = 0; i < this.#options.maxConcurrent; i++) this.#free.push(context.getSequence());
      return { llama, model, context };
    } catch (error) {
      await llama.dispose();
      throw new AppError('upstream-unavailable', { detail: `could not load the GGUF model: ${(error as Error).message}`, cause: error });
    }
  }

  async generate(input: GenerationInput): Promise<GenerationResult> {
    return withDeadline(input.signal, this.#options.timeoutMs, `${this.id} generation`, async (signal) => {
      const { model } = await this.load();
      const sequence = await this.#acquire(signal);
      try {
        const { LlamaChatSession } = await import('node-llama-cpp');
        const createSession = this.#options.createChatSession ?? ((options: LlamaChatSessionOptions) => new LlamaChatSession(options));
        const prompt = this.#fittingPrompt(model, input);
        // chatWrapper 'auto' (the default): the GGUF's tokenizer.chat_template, else node-llama-cpp's match by model family, else its general format.
        const session = createSession({ contextSequence: sequence, systemPrompt: prompt.system, autoDisposeSequence: false });
        try {
          const raw = await session.prompt(prompt.user, {
            maxTokens: this.#options.maxTokens,
            temperature: this.#options.temperature,
            ...(this.#options.seed === undefined ? {} : { seed: this.#options.seed }),
            signal,
            stopOnAbortSignal: false,
            ...(input.onToken ? { onTextChunk: input.onToken } : {}),
          });
          const processed = postProcessAnswer(raw, new Set(input.passages.map((passage) => passage.citation)));
          return { text: processed.text, citations: processed.citations, generator: this.id };
        } catch (error) {
          throw signal.aborted ? abortReason(signal) : error;
        } finally {
          session.dispose({ disposeSequence: false });
        }
      } finally {
        await sequence.clearHistory().catch(() => undefined);
        this.#release(sequence);
      }
    });
  }

  /** Frees the model, context and binary. */
  async close(): Promise<void> {
    const loading = this.#loading;
    this.#loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    if (!loaded) return;
    this.#free.length = 0;
    await loaded.context.dispose();
    await loaded.model.dispose();
    await loaded.llama.dispose();
  }

  /** The prompt with as much context as fits next to the answer's tokens. */
  #fittingPrompt(model: LlamaModel, input: GenerationInput) {
    const budget = this.#options.contextSize - this.#options.maxTokens - TEMPLATE_OVERHEAD_TOKENS;
    let maxContextChars = this.#options.maxContextChars;
    for (;;) {
      const prompt = buildAdvicePrompt(input, { maxContextChars });
      const tokens = model.tokenize(`${prompt.system}\n${prompt.user}`).length;
      if (tokens <= budget || maxContextChars === 0) return prompt;
      // Shrink by the overshoot with a margin; tokens per character vary by model and text.
      maxContextChars = Math.max(0, Math.floor(maxContextChars * Math.min(0.9, budget / tokens)) - 50);
    }
  }

  #acquire(signal: AbortSignal): Promise<LlamaContextSequence> {
    const free = this.#free.pop();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const take = (sequence: LlamaContextSequence) => {
        signal.removeEventListener('abort', onAbort);
        resolve(sequence);
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(take);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(take);
    });
  }

  #release(sequence: LlamaContextSequence): void {
    const next = this.#waiting.shift();
    if (next) next(sequence);
    else this.#free.push(sequence);
  }
}
