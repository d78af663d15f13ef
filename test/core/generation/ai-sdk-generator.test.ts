import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors/app-error.ts';
import { AiSdkGenerator } from '../../../core/generation/ai-sdk-generator.ts';
import { bedrockModel, cloudflareWorkersAiBaseUrl, cloudflareWorkersAiModel, openAiCompatibleModel } from '../../../core/generation/ai-sdk-models.ts';
import { ADVICE_SYSTEM_PROMPT } from '../../../core/generation/prompt.ts';
import type { Generator, Passage } from '../../../core/ports/generator.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';

const passages: Passage[] = [
  { citation: 1, id: 'fha', title: 'FHA loans', text: 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher.', score: 0.9 },
  { citation: 2, id: 'pmi', title: 'Mortgage insurance', text: 'Private mortgage insurance is usually required when the down payment is under 20%.', score: 0.5 },
];
const query = 'What down payment does an FHA loan need with a 620 credit score?';

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  server.queue.length = 0;
  server.behaviour = 'ok';
  server.reply = () => 'FHA loans allow a down payment of 3.5% with a credit score of 580 or higher [1]. This is general information, not a credit decision.';
});

const WORKERS_AI_ACCOUNT = '0123456789abcdef0123456789abcdef';

type Adapter = { name: string; make: (timeoutMs?: number) => Generator; messages: (body: Record<string, unknown>) => string };

const adapters: Adapter[] = [
  {
    name: 'OpenAI-compatible',
    make: (timeoutMs = 5_000) =>
      new AiSdkGenerator({ id: 'openai-compatible:test-model', model: openAiCompatibleModel({ baseURL: server.baseURL, model: 'test-model', apiKey: 'sk-test' }), timeoutMs }),
    messages: (body) => JSON.stringify(body.messages),
  },
  {
    name: 'Amazon Bedrock',
    make: (timeoutMs = 5_000) =>
      new AiSdkGenerator({
        id: 'bedrock:test-model',
        model: bedrockModel({ model: 'meta.llama3-1-8b-instruct-v1:0', region: 'us-east-1', accessKeyId: 'AKIATEST', secretAccessKey: 'secret-test', baseURL: server.rootURL }),
        timeoutMs,
      }),
    messages: (body) => JSON.stringify([body.system, body.messages]),
  },
  {
    name: 'Cloudflare Workers AI',
    make: (timeoutMs = 5_000) =>
      new AiSdkGenerator({
        id: 'cloudflare-workers-ai:test-model',
        model: cloudflareWorkersAiModel({ accountId: WORKERS_AI_ACCOUNT, apiToken: 'cf-token-test', model: 'test-model', apiRoot: `${server.rootURL}/client/v4` }),
        timeoutMs,
      }),
    messages: (body) => JSON.stringify(body.messages),
  },
];

describe.each(adapters)('AiSdkGenerator contract over $name', (adapter) => {
  it('sends the shared prompt and returns the cited answer (non-streaming)', async () => {
    const result = await adapter.make().generate({ query, profile: { creditScore: 620 }, passages });
    expect(result).toMatchObject({ citations: [1], generator: expect.stringContaining('test-model') });
    expect(result.text).toContain('580 or higher [1].');
    const [request] = server.requests;
    expect(request?.stream).toBe(false);
    const sent = adapter.messages(request?.body ?? {});
    expect(sent).toContain('Cite every statement');
    expect(sent).toContain('[1] FHA loans');
    expect(sent).toContain('\\"creditScore\\":620');
    expect(sent).toContain(query);
  });

  it('streams tokens as they arrive and returns the whole answer', async () => {
    const tokens: string[] = [];
    const result = await adapter.make().generate({ query, passages, onToken: (token) => tokens.push(token) });
    expect(server.requests[0]?.stream).toBe(true);
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens.join('')).toBe(server.reply(server.requests[0]!));
    expect(result.citations).toEqual([1]);
  });

  it('removes citations that point to no passage', async () => {
    server.reply = () => 'Down payments can be 3.5% [1][7], and PMI applies under 20% [2, 9]. Rates are low [12].';
    const result = await adapter.make().generate({ query, passages });
    expect(result.text).toBe('Down payments can be 3.5% [1], and PMI applies under 20% [2]. Rates are low.');
    expect(result.citations).toEqual([1, 2]);
  });

  it('returns an answer without valid citations as uncited, for the caller to replace', async () => {
    server.reply = () => 'Just apply anywhere, you will surely be approved [5].';
    const result = await adapter.make().generate({ query, passages });
    expect(result.citations).toEqual([]);
  });

  it('reports a 500 as upstream-unavailable', async () => {
    server.behaviour = 'error-500';
    for (const onToken of [undefined, () => {}]) {
      const error = await adapter.make().generate({ query, passages, onToken }).catch((caught: unknown) => caught);
      expect(isAppError(error) && error.code).toBe('upstream-unavailable');
    }
    // One request per call: the SDK's own retries are off, the resilient wrapper owns retrying.
    expect(server.requests).toHaveLength(2);
  });

  it('reports a malformed response as upstream-unavailable', async () => {
    server.behaviour = 'malformed';
    const error = await adapter.make().generate({ query, passages }).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe('upstream-unavailable');
  });

  it('times out a hung server and closes the connection', async () => {
    server.behaviour = 'hang';
    const error = await adapter.make(300).generate({ query, passages }).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe('upstream-timeout');
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });

  it('times out a stream that stalls after its first token', async () => {
    server.behaviour = 'stall-after-first-chunk';
    const tokens: string[] = [];
    const error = await adapter.make(300).generate({ query, passages, onToken: (token) => tokens.push(token) }).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe('upstream-timeout');
    expect(tokens).toHaveLength(1);
  });

  it('stops when the caller aborts', async () => {
    server.behaviour = 'hang';
    const controller = new AbortController();
    const pending = adapter.make().generate({ query, passages, signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });
});

describe('AI SDK models', () => {
  it('sends the API key as a bearer token to an OpenAI-compatible endpoint', async () => {
    await adapters[0]!.make().generate({ query, passages });
    expect(server.requests[0]?.authorization).toBe('Bearer sk-test');
    expect(server.requests[0]?.model).toBe('test-model');
  });

  it('signs Bedrock requests with SigV4 and names the model in the path', async () => {
    await adapters[1]!.make().generate({ query, passages });
    expect(server.requests[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIATEST\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    expect(server.requests[0]?.path).toBe('/model/meta.llama3-1-8b-instruct-v1%3A0/converse');
  });

  it('points Cloudflare Workers AI at its OpenAI-compatible endpoint', () => {
    expect(cloudflareWorkersAiBaseUrl('abc123')).toBe('https://api.cloudflare.com/client/v4/accounts/abc123/ai/v1');
    expect(cloudflareWorkersAiBaseUrl('abc123', 'http://127.0.0.1:9/client/v4/')).toBe('http://127.0.0.1:9/client/v4/accounts/abc123/ai/v1');
  });

  it('calls Workers AI at /accounts/<id>/ai/v1/chat/completions with the API token as a bearer, streaming included', async () => {
    const tokens: string[] = [];
    await adapters[2]!.make().generate({ query, passages, onToken: (token) => tokens.push(token) });
    const [request] = server.requests;
    expect(request?.path).toBe(`/client/v4/accounts/${WORKERS_AI_ACCOUNT}/ai/v1/chat/completions`);
    expect(request?.authorization).toBe('Bearer cf-token-test');
    expect(request?.headers['content-type']).toContain('application/json');
    expect(request).toMatchObject({ stream: true, model: 'test-model' });
    expect(tokens.join('')).toBe(server.reply(request!));
  });

  it('redacts the prompt before it leaves the process when asked to', async () => {
    const generator = new AiSdkGenerator({
      id: 'openai-compatible:test-model',
      model: openAiCompatibleModel({ baseURL: server.baseURL, model: 'test-model' }),
      redact: (text) => text.replaceAll('jane@example.com', '[email]'),
    });
    await generator.generate({ query: 'Can jane@example.com get an FHA loan?', passages });
    const sent = JSON.stringify(server.requests[0]?.body);
    expect(sent).not.toContain('jane@example.com');
    expect(sent).toContain('[email]');
    expect(sent).toContain(JSON.stringify(ADVICE_SYSTEM_PROMPT).slice(1, 40));
  });
});
