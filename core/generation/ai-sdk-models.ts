import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';

export interface OpenAiCompatibleModelOptions {
  /** e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp server), https://api.openai.com/v1 */
  baseURL: string;
  model: string;
  apiKey?: string | undefined;
  /** Provider name used by the SDK in errors and metadata (default 'openai-compatible'). */
  name?: string;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

/** A chat model behind any OpenAI chat-completions endpoint (vLLM, Ollama, llama.cpp server, OpenAI, Workers AI). */
export function openAiCompatibleModel(options: OpenAiCompatibleModelOptions): LanguageModel {
  const provider = createOpenAICompatible({
    name: options.name ?? 'openai-compatible',
    baseURL: options.baseURL,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  return provider.chatModel(options.model);
}

/** Cloudflare's API root; Workers AI lives under `/accounts/<id>/ai/v1` below it. */
export const CLOUDFLARE_API_ROOT = 'https://api.cloudflare.com/client/v4';

/**
 * Cloudflare Workers AI's OpenAI-compatible base URL for an account; the SDK appends
 * `/chat/completions`. `apiRoot` replaces Cloudflare's API root (a local server in tests).
 */
export const cloudflareWorkersAiBaseUrl = (accountId: string, apiRoot: string = CLOUDFLARE_API_ROOT): string =>
  `${apiRoot.replace(/\/+$/, '')}/accounts/${encodeURIComponent(accountId)}/ai/v1`;

export interface CloudflareWorkersAiModelOptions {
  accountId: string;
  /** A Cloudflare API token with Workers AI permission, sent as `Authorization: Bearer`. */
  apiToken: string;
  /** e.g. '@cf/meta/llama-3.1-8b-instruct' */
  model: string;
  /** Replaces https://api.cloudflare.com/client/v4 (a local OpenAI-protocol server in tests). */
  apiRoot?: string | undefined;
  fetch?: typeof globalThis.fetch;
}

/** A Cloudflare Workers AI model through its OpenAI-compatible endpoint. */
export function cloudflareWorkersAiModel(options: CloudflareWorkersAiModelOptions): LanguageModel {
  return openAiCompatibleModel({
    name: 'cloudflare-workers-ai',
    baseURL: cloudflareWorkersAiBaseUrl(options.accountId, options.apiRoot),
    apiKey: options.apiToken,
    model: options.model,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

export interface BedrockModelOptions {
  /** e.g. 'anthropic.claude-3-5-haiku-20241022-v1:0' or 'meta.llama3-1-8b-instruct-v1:0' */
  model: string;
  region?: string | undefined;
  /** Explicit credentials; when absent the SDK reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
  /** Bedrock API key (bearer) instead of SigV4 credentials. */
  apiKey?: string | undefined;
  /** Endpoint override (a VPC endpoint, or a local stand-in in tests). */
  baseURL?: string | undefined;
  fetch?: typeof globalThis.fetch;
}

/** An Amazon Bedrock model through the Converse API. */
export function bedrockModel(options: BedrockModelOptions): LanguageModel {
  const defined = <T extends Record<string, unknown>>(value: T) =>
    Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
  const provider = createAmazonBedrock(
    defined({
      region: options.region,
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      fetch: options.fetch,
    }),
  );
  return provider(options.model);
}
