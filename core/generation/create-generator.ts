import type { LanguageModel } from 'ai';
import { z } from 'zod';
import { AppError } from '../../shared/errors/app-error.ts';
import type { Generator } from '../ports/generator.ts';
import { AiSdkGenerator } from './ai-sdk-generator.ts';
import { bedrockModel, cloudflareWorkersAiModel, openAiCompatibleModel } from './ai-sdk-models.ts';
import { CachedGenerator } from './cached-generator.ts';
import { ExtractiveGenerator } from './extractive-generator.ts';
import { LlamaCppGenerator } from './llama-cpp-generator.ts';
import { ResilientGenerator, type CircuitStateName, type ResilienceEvents } from './resilient-generator.ts';
import { SemanticAnswerCache } from './semantic-answer-cache.ts';

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

export const ResilienceSpecSchema = z
  .object({
    attemptTimeoutMs: positiveInt,
    budgetMs: positiveInt,
    retries: nonNegativeInt.max(10),
    retryInitialDelayMs: positiveInt,
    retryMaxDelayMs: positiveInt,
    breakerThreshold: positiveInt,
    halfOpenAfterMs: positiveInt,
    maxConcurrent: positiveInt,
    maxQueued: nonNegativeInt,
  })
  .partial()
  .strict();

export const AnswerCacheSpecSchema = z
  .object({
    enabled: z.boolean().default(true),
    threshold: z.coerce.number().gt(0).max(1).default(0.95),
    maxEntries: positiveInt.default(1000),
    ttlMs: positiveInt.default(600_000),
  })
  .strict();

const modelBacked = {
  resilience: ResilienceSpecSchema.default({}),
  answerCache: AnswerCacheSpecSchema.default({ enabled: true, threshold: 0.95, maxEntries: 1000, ttlMs: 600_000 }),
  maxContextChars: positiveInt.optional(),
  temperature: z.coerce.number().min(0).max(2).optional(),
};

/** Which generator answers, validated once at start-up (see `generatorSpecFromEnv`). */
export const GeneratorSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('extractive') }).strict(),
  z
    .object({
      kind: z.literal('llama-cpp'),
      modelPath: z.string().min(1),
      contextSize: positiveInt.optional(),
      maxTokens: positiveInt.optional(),
      threads: positiveInt.optional(),
      ...modelBacked,
    })
    .strict(),
  z
    .object({
      kind: z.literal('openai-compatible'),
      baseURL: z.url(),
      model: z.string().min(1),
      apiKey: z.string().min(1).optional(),
      /** Provider name in errors and ids, e.g. 'vllm', 'ollama', 'cloudflare-workers-ai'. */
      name: z.string().regex(/^[a-z0-9-]+$/).default('openai-compatible'),
      maxOutputTokens: positiveInt.optional(),
      /** Redact personal data from prompts before they are sent (when a redactor is given). */
      redactPrompts: z.boolean().default(true),
      ...modelBacked,
    })
    .strict(),
  z
    .object({
      kind: z.literal('workers-ai'),
      /** The Cloudflare account id (32 hex digits, from the dashboard URL or `wrangler whoami`). */
      accountId: z.string().regex(/^[0-9a-f]{32}$/i, 'a Cloudflare account id is 32 hex digits'),
      /** A Cloudflare API token with Workers AI permission (a secret: never logged or described). */
      apiToken: z.string().min(1),
      /** A Workers AI model, e.g. '@cf/meta/llama-3.1-8b-instruct'. */
      model: z.string().min(1),
      /** Replaces Cloudflare's API root https://api.cloudflare.com/client/v4 (a local server in tests). */
      apiRoot: z.url().optional(),
      maxOutputTokens: positiveInt.optional(),
      redactPrompts: z.boolean().default(true),
      ...modelBacked,
    })
    .strict(),
  z
    .object({
      kind: z.literal('bedrock'),
      model: z.string().min(1),
      region: z.string().min(1).optional(),
      baseURL: z.url().optional(),
      maxOutputTokens: positiveInt.optional(),
      redactPrompts: z.boolean().default(true),
      ...modelBacked,
    })
    .strict(),
]);

export type GeneratorSpec = z.infer<typeof GeneratorSpecSchema>;
export type GeneratorSpecInput = z.input<typeof GeneratorSpecSchema>;

export interface CreateGeneratorDeps extends ResilienceEvents {
  /** The fallback (default: a new ExtractiveGenerator). */
  fallback?: Generator;
  /** Embeds a question for the answer cache when the pipeline passed no vector (BM25-only retrieval). */
  embed?: (text: string) => Promise<Float32Array>;
  /** Personal-data redaction applied to prompts sent to HTTP providers (when the spec's `redactPrompts`). */
  redact?: (text: string) => string;
  onAnswerCacheLookup?: (event: { hit: boolean }) => void;
  /** Bedrock credentials; when absent the AWS SDK's environment variables are used. */
  bedrockCredentials?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; apiKey?: string };
  /** For tests. */
  fetch?: typeof globalThis.fetch;
}

export interface CreatedGenerator {
  /** What the pipeline calls. */
  generator: Generator;
  /** A one-line description for the start-up log and /ready (no secrets). */
  description: string;
  /** The provider's circuit, when a model is configured. */
  circuitState: () => CircuitStateName | undefined;
  /** Loads a local model ahead of the first question (no-op for others). */
  warmUp: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * Builds the configured generator: the extractive one alone, or a model-backed provider (local
 * llama.cpp, an OpenAI-compatible endpoint, Cloudflare Workers AI, Amazon Bedrock) behind the resilient wrapper (with the
 * extractive fallback) and, unless disabled, the semantic answer cache.
 */
export function createGenerator(specInput: GeneratorSpecInput, deps: CreateGeneratorDeps = {}): CreatedGenerator {
  const spec = parseGeneratorSpec(specInput);
  const fallback = deps.fallback ?? new ExtractiveGenerator();
  if (spec.kind === 'extractive') {
    return { generator: fallback, description: `extractive (${fallback.id})`, circuitState: () => undefined, warmUp: async () => {}, close: async () => {} };
  }

  const entry = PROVIDERS[spec.kind] as ProviderEntry<typeof spec.kind>;
  const resilience = { ...entry.resilienceDefaults, ...spec.resilience };
  const { provider, description, warmUp = async () => {}, close = async () => {} } = entry.build(spec, { ...deps, resilience });

  const resilient = new ResilientGenerator({
    provider,
    fallback,
    resilience,
    ...defined({ onFallback: deps.onFallback, onRetry: deps.onRetry, onCircuitStateChange: deps.onCircuitStateChange, onSharedGeneration: deps.onSharedGeneration, onTokens: deps.onTokens }),
  });
  const generator = spec.answerCache.enabled
    ? new CachedGenerator({
        generator: resilient,
        cache: new SemanticAnswerCache({ threshold: spec.answerCache.threshold, maxEntries: spec.answerCache.maxEntries, ttlMs: spec.answerCache.ttlMs }),
        ...defined({ embed: deps.embed, onLookup: deps.onAnswerCacheLookup }),
      })
    : resilient;
  return {
    generator,
    description: `${description}, fallback ${fallback.id}${spec.answerCache.enabled ? `, answer cache ≥ ${spec.answerCache.threshold}` : ''}`,
    circuitState: () => resilient.circuitState,
    warmUp,
    close,
  };
}

type ModelSpec = Exclude<GeneratorSpec, { kind: 'extractive' }>;
type ResilienceSpec = z.infer<typeof ResilienceSpecSchema>;

/** A model-backed provider, built bare: the resilient wrapper around it owns timeouts and concurrency. */
interface BuiltProvider {
  provider: Generator;
  /** For the start-up log and /ready: never an account id, token or key. */
  description: string;
  warmUp?: () => Promise<void>;
  close?: () => Promise<void>;
}

interface ProviderEntry<K extends ModelSpec['kind']> {
  /** Resilience settings this provider needs unless configured (a local model runs one generation at a time). */
  resilienceDefaults?: ResilienceSpec;
  build(spec: Extract<ModelSpec, { kind: K }>, deps: CreateGeneratorDeps & { resilience: ResilienceSpec }): BuiltProvider;
}

/**
 * One entry per model-backed kind. LLM_TIMEOUT_MS has one owner, the wrapper's per-attempt
 * timeout (providers get no deadline of their own), and LLM_MAX_CONCURRENT one, the wrapper's
 * bulkhead (llama.cpp opens exactly that many context sequences, so none ever waits for one).
 */
const PROVIDERS: { [K in ModelSpec['kind']]: ProviderEntry<K> } = {
  'llama-cpp': {
    resilienceDefaults: { maxConcurrent: 1 },
    build(spec, deps) {
      const llama = new LlamaCppGenerator({
        modelPath: spec.modelPath,
        ...defined({ contextSize: spec.contextSize, maxTokens: spec.maxTokens, threads: spec.threads, maxConcurrent: deps.resilience.maxConcurrent, temperature: spec.temperature, maxContextChars: spec.maxContextChars }),
      });
      return { provider: llama, description: `llama-cpp (${spec.modelPath}, CPU)`, warmUp: async () => void (await llama.load()), close: () => llama.close() };
    },
  },
  'openai-compatible': {
    build: (spec, deps) => ({
      provider: aiSdkProvider(`${spec.name}:${spec.model}`, openAiCompatibleModel({ baseURL: spec.baseURL, model: spec.model, apiKey: spec.apiKey, name: spec.name, ...defined({ fetch: deps.fetch }) }), spec, deps),
      description: `${spec.name} (${spec.model} at ${new URL(spec.baseURL).origin})`,
    }),
  },
  'workers-ai': {
    build: (spec, deps) => ({
      provider: aiSdkProvider(`cloudflare-workers-ai:${spec.model}`, cloudflareWorkersAiModel({ accountId: spec.accountId, apiToken: spec.apiToken, model: spec.model, apiRoot: spec.apiRoot, ...defined({ fetch: deps.fetch }) }), spec, deps),
      description: `cloudflare-workers-ai (${spec.model}${spec.apiRoot ? ` at ${new URL(spec.apiRoot).origin}` : ''})`,
    }),
  },
  bedrock: {
    build: (spec, deps) => ({
      provider: aiSdkProvider(`bedrock:${spec.model}`, bedrockModel({ model: spec.model, region: spec.region, baseURL: spec.baseURL, ...deps.bedrockCredentials, ...defined({ fetch: deps.fetch }) }), spec, deps),
      description: `bedrock (${spec.model}${spec.region ? ` in ${spec.region}` : ''})`,
    }),
  },
};

/** An HTTP provider through the AI SDK, with the options every such spec shares. */
function aiSdkProvider(id: string, model: LanguageModel, spec: Extract<ModelSpec, { redactPrompts: boolean }>, deps: CreateGeneratorDeps): AiSdkGenerator {
  return new AiSdkGenerator({
    id,
    model,
    ...defined({ maxOutputTokens: spec.maxOutputTokens, temperature: spec.temperature, maxContextChars: spec.maxContextChars, redact: spec.redactPrompts ? deps.redact : undefined }),
  });
}

/**
 * The generator spec from environment variables (pass `process.env` from the config module):
 * GENERATOR=extractive|llama-cpp|openai-compatible|workers-ai|bedrock (default extractive), LLM_MODEL_PATH,
 * LLM_BASE_URL, LLM_MODEL, LLM_API_KEY, LLM_PROVIDER_NAME, WORKERS_AI_ACCOUNT_ID, WORKERS_AI_API_TOKEN,
 * WORKERS_AI_API_ROOT, BEDROCK_REGION (else AWS_REGION),
 * LLM_CONTEXT_SIZE, LLM_MAX_TOKENS, LLM_THREADS, LLM_MAX_CONCURRENT, LLM_TIMEOUT_MS,
 * LLM_BUDGET_MS, LLM_RETRIES, LLM_BREAKER_THRESHOLD, LLM_HALF_OPEN_MS, LLM_BULKHEAD_QUEUE,
 * LLM_REDACT_PROMPTS (default true), ANSWER_CACHE (on|off), ANSWER_CACHE_THRESHOLD,
 * ANSWER_CACHE_MAX_ENTRIES, ANSWER_CACHE_TTL_SECONDS. Validation happens in `parseGeneratorSpec`.
 */
export function generatorSpecFromEnv(env: Readonly<Record<string, string | undefined>>): GeneratorSpecInput {
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const kind = value('GENERATOR') ?? 'extractive';
  if (kind === 'extractive') return { kind: 'extractive' };
  const resilience = defined({
    attemptTimeoutMs: value('LLM_TIMEOUT_MS'),
    budgetMs: value('LLM_BUDGET_MS'),
    retries: value('LLM_RETRIES'),
    breakerThreshold: value('LLM_BREAKER_THRESHOLD'),
    halfOpenAfterMs: value('LLM_HALF_OPEN_MS'),
    maxConcurrent: value('LLM_MAX_CONCURRENT'),
    maxQueued: value('LLM_BULKHEAD_QUEUE'),
  });
  const ttlSeconds = value('ANSWER_CACHE_TTL_SECONDS');
  const answerCache = {
    enabled: value('ANSWER_CACHE') !== 'off',
    ...defined({ threshold: value('ANSWER_CACHE_THRESHOLD'), maxEntries: value('ANSWER_CACHE_MAX_ENTRIES'), ttlMs: ttlSeconds === undefined ? undefined : Number(ttlSeconds) * 1000 }),
  };
  const common = { resilience, answerCache, ...defined({ maxContextChars: value('LLM_MAX_CONTEXT_CHARS'), temperature: value('LLM_TEMPERATURE') }) };
  const redactPrompts = value('LLM_REDACT_PROMPTS') !== 'false';
  const http = { redactPrompts, ...common, ...defined({ maxOutputTokens: value('LLM_MAX_TOKENS') }) };
  // Values stay strings here; the schema coerces and validates them. LLM_TIMEOUT_MS and
  // LLM_MAX_CONCURRENT are read once, into `resilience`: the wrapper owns them for every provider.
  const spec: Record<string, unknown> =
    kind === 'llama-cpp'
      ? { kind, modelPath: value('LLM_MODEL_PATH'), ...defined({ contextSize: value('LLM_CONTEXT_SIZE'), maxTokens: value('LLM_MAX_TOKENS'), threads: value('LLM_THREADS') }), ...common }
      : kind === 'openai-compatible'
        ? { kind, baseURL: value('LLM_BASE_URL'), model: value('LLM_MODEL'), ...defined({ apiKey: value('LLM_API_KEY'), name: value('LLM_PROVIDER_NAME') }), ...http }
        : kind === 'workers-ai'
          ? { kind, accountId: value('WORKERS_AI_ACCOUNT_ID'), apiToken: value('WORKERS_AI_API_TOKEN'), model: value('LLM_MODEL'), ...defined({ apiRoot: value('WORKERS_AI_API_ROOT') }), ...http }
          : { kind, model: value('LLM_MODEL'), ...defined({ region: value('BEDROCK_REGION') ?? value('AWS_REGION'), baseURL: value('LLM_BASE_URL') }), ...http };
  return spec as GeneratorSpecInput;
}

/** Validates a spec, with a message that names the offending fields (never their values). */
export function parseGeneratorSpec(input: unknown): GeneratorSpec {
  const parsed = GeneratorSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('validation-failed', { detail: `invalid generator configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}` });
}

function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
