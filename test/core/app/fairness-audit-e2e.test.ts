import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdviceResponseSchema } from '../../../shared/contracts/advice.ts';
import { FAIRNESS_FLAGGED_ACTION } from '../../../core/audit/fairness-audit.ts';
import { startChatServer, type ChatServer } from '../../support/openai-compatible-server.ts';
import { getToken, startCore, type StartedCore } from '../../support/start-core.ts';

/** A request id in the shape the edge mints, which core keeps (any other text is replaced). */
const EDGE_REQUEST_ID = '3b7c2a9e-1f4d-4c8a-9e2b-5d6f7a8b9c0d';

type AuditJson = {
  actorId: string | null;
  actorUsername: string | null;
  action: string;
  target: string | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, unknown>;
};

const EMAIL = 'jane.doe@example.com';
const SSN = '123-45-6789';
/**
 * Receipt of public assistance is a protected basis that bears on a lending rule (Reg B: it is
 * counted like any other income), so the pipeline keeps it, in neutral form, in the question the
 * model sees ("I receive public assistance income. …"). A model can still act on it: this is the
 * case the counterfactual check exists for.
 */
const QUESTION = `I receive SSI. Can I qualify for an FHA loan, and at what rate? Write to ${EMAIL}, my SSN is ${SSN}.`;

/** The question line of the prompt (the passages may mention public assistance whoever asks). */
function askedQuestion(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as Array<{ role: string; content: unknown }>;
  const user = messages.filter((message) => message.role === 'user').map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)));
  return /^Question: (.*)$/mu.exec(user.join('\n'))?.[1] ?? '';
}

describe('flagged fairness events are audited (real composition root, OpenAI-compatible model)', () => {
  let server: ChatServer;
  let core: StartedCore;
  let adminToken: string;

  beforeAll(async () => {
    server = await startChatServer();
    // A model that quotes borrowers on public assistance a higher rate: the counterfactual re-asks
    // (without the basis, and with employment income instead) get 6.5%.
    server.reply = (request) =>
      /public assistance/iu.test(askedQuestion(request.body))
        ? 'An FHA loan allows 3.5% down [1]. Expect a rate near 7.9% and compare lenders [1].'
        : 'An FHA loan allows 3.5% down [1]. Expect a rate near 6.5% and compare lenders [1].';
    core = await startCore({ GENERATOR: 'openai-compatible', LLM_BASE_URL: server.baseURL, LLM_MODEL: 'biased-model', ANSWER_CACHE: 'off', EMBEDDER: 'lexical' });
    adminToken = await getToken(core.url, 'admin', core.adminPassword);
  });
  afterAll(async () => {
    await core?.stop();
    await server?.close();
  });

  it('writes one audit row for the borrower, with the check and the neutral answer, and no personal data', async () => {
    const created = await fetch(`${core.url}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ username: 'borrower-1', password: 'a-long-password-1', role: 'user' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const borrower = (await created.json()) as { id: string };
    const borrowerToken = await getToken(core.url, 'borrower-1', 'a-long-password-1');

    const answered = await fetch(`${core.url}/v1/advice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${borrowerToken}`, 'x-request-id': EDGE_REQUEST_ID },
      body: JSON.stringify({ query: QUESTION }),
    });
    expect(answered.status, await answered.clone().text()).toBe(200);
    const advice = AdviceResponseSchema.parse(await answered.json());
    expect(advice.bias.flagged).toBe(true);
    expect(advice.bias.reasons).toContain('counterfactual');
    expect(advice.bias.counterfactual?.neutralAnswerReturned).toBe(true);
    expect(advice.advice).toContain('6.5%');
    // Prompts to the HTTP provider were redacted too.
    expect(server.requests.length).toBeGreaterThan(1);
    expect(JSON.stringify(server.requests.map((request) => request.body))).not.toMatch(/jane\.doe|123-45-6789/);
    // The model saw the rule-bearing mention in neutral form, never the program's name.
    expect(askedQuestion(server.requests[0]!.body)).toMatch(/^I receive public assistance income\. Can I qualify for an FHA loan/u);
    expect(server.requests.map((request) => askedQuestion(request.body)).join('\n')).not.toMatch(/\bSSI\b/u);

    const rows = async () => {
      const response = await fetch(`${core.url}/admin/audit?action=${FAIRNESS_FLAGGED_ACTION}`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: AuditJson[] }).items;
    };
    await expect.poll(async () => (await rows()).length).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({
      actorId: borrower.id,
      actorUsername: 'borrower-1',
      action: FAIRNESS_FLAGGED_ACTION,
      target: 'generator:openai-compatible:biased-model',
      outcome: 'success',
      requestId: EDGE_REQUEST_ID,
    });
    // The borrower's address as core saw it (the socket peer here), not null.
    expect((row as unknown as { clientIp: string | null }).clientIp).toMatch(/^(?:::ffff:)?127\.0\.0\.1$/);
    expect(row!.details).toMatchObject({
      score: advice.bias.score,
      reasons: advice.bias.reasons,
      characteristics: ['public_assistance'],
      neutralAnswerReturned: true,
      answerReplaced: true,
      returnedGenerator: 'openai-compatible:biased-model',
      indexVersion: advice.indexVersion,
      counterfactual: { score: advice.bias.counterfactual?.score, threshold: 0.3, compared: advice.bias.counterfactual?.variants.length },
    });
    expect(advice.bias.score).toBeGreaterThan(0.3);
    const stored = JSON.stringify(row);
    for (const raw of [EMAIL, SSN, 'jane.doe', 'SSI', 'public assistance income', 'Can I qualify', 'at what rate', '7.9%', '6.5%', 'compare lenders']) expect(stored).not.toContain(raw);
  });

  it('writes no audit row for an answer that passes the check', async () => {
    const before = await fetch(`${core.url}/admin/audit?action=${FAIRNESS_FLAGGED_ACTION}`, { headers: { authorization: `Bearer ${adminToken}` } });
    const count = ((await before.json()) as { items: unknown[] }).items.length;
    const answered = await fetch(`${core.url}/v1/advice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: 'As a retiree, what rate would I get on an FHA loan?' }),
    });
    expect(answered.status).toBe(200);
    expect(AdviceResponseSchema.parse(await answered.json()).bias.flagged).toBe(false);
    // The row of a flagged answer is written right after the answer; give a stray one the same chance to appear.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await fetch(`${core.url}/admin/audit?action=${FAIRNESS_FLAGGED_ACTION}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(((await after.json()) as { items: unknown[] }).items).toHaveLength(count);
  });
});
