import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion, type AnswerQuestionDeps } from '../../../core/advice/answer-question.ts';
import { LANGUAGE_NOTICE_GENERATOR_ID, LANGUAGE_NOTICES } from '../../../core/advice/language-notice.ts';
import { createLiveIndex } from '../../../core/advice/live-index.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { fitLexicalEmbedder } from '../../../core/embedding/lexical-embedder-state.ts';
import { createGenerator, type CreatedGenerator } from '../../../core/generation/create-generator.ts';
import { ExtractiveGenerator } from '../../../core/generation/extractive-generator.ts';
import { buildIndexVersion } from '../../../core/indexing/build-index.ts';
import { advicePipelineSettings } from '../../../core/runtime/advice.ts';
import { createServingIndexPreparer } from '../../../core/serving/prepare-serving-index.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';
import { LOAN_DOCUMENTS } from '../indexing/loan-documents.ts';

const SPANISH = '¿Qué puntaje de crédito necesito para un préstamo FHA?';
const ANSWER_ES = 'Para un préstamo FHA con 3.5% de pago inicial se necesita un puntaje de 580 [1]. Esto es información general, no una decisión de crédito.';

/** The user message of a recorded chat request. */
function userMessage(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as Array<{ role: string; content: unknown }>;
  return messages
    .filter((message) => message.role === 'user')
    .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))
    .join('\n');
}

describe('a question in another language with a language model configured (real AI SDK client, OpenAI-compatible server)', () => {
  let server: ChatServer;
  let created: CreatedGenerator;
  let deps: AnswerQuestionDeps;

  beforeAll(async () => {
    server = await startChatServer();
    server.reply = () => ANSWER_ES;
    const config = parseCoreConfig({ GENERATOR: 'openai-compatible', LLM_BASE_URL: server.baseURL, LLM_MODEL: 'multilingual-model', LLM_RETRIES: '0' });
    const extractive = new ExtractiveGenerator();
    created = createGenerator(config.generator, { fallback: extractive });
    const built = await buildIndexVersion({ documents: LOAN_DOCUMENTS, embedder: fitLexicalEmbedder(LOAN_DOCUMENTS), sourceName: 'fixture' });
    const serving = await createServingIndexPreparer({ retrieval: { mode: 'bm25' } })({ manifest: built.manifest, index: built.index, documents: [...LOAN_DOCUMENTS] });
    deps = { ...advicePipelineSettings(config), live: createLiveIndex(serving), generator: created.generator, fallbackGenerator: extractive };
  });
  afterAll(async () => {
    await created?.close();
    await server?.close();
  });

  it('sends the borrower’s question to the model with the instruction to answer in Spanish from the English sources', async () => {
    server.requests.length = 0;
    const response = await answerQuestion(deps, { query: SPANISH });
    expect(response.generator).toBe('openai-compatible:multilingual-model');
    expect(response.advice).toBe(ANSWER_ES);
    expect(response.sources.length).toBeGreaterThan(0);
    const user = userMessage(server.requests[0]!.body);
    expect(user).toContain(`Question: ${SPANISH}`);
    expect(user).toContain('Answer language: the borrower asked in Spanish. Write the whole answer in Spanish');
    expect(user).toMatch(/Context passages:\n\[1\] /u);
  });

  it('answers with the notice in Spanish, and no English quotes or sources, when the model fails and the extractive fallback answers', async () => {
    server.requests.length = 0;
    server.behaviour = 'error-500';
    try {
      const response = await answerQuestion(deps, { query: SPANISH });
      expect(server.requests.length).toBeGreaterThan(0);
      expect(response).toMatchObject({ advice: LANGUAGE_NOTICES.es, generator: LANGUAGE_NOTICE_GENERATOR_ID, degraded: true, sources: [] });
    } finally {
      server.behaviour = 'ok';
    }
  });
});
