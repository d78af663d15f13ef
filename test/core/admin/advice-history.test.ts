import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactPersonalData } from '../../../core/privacy/personal-data.ts';
import { createAdviceHistory } from '../../../core/history/advice-history.ts';
import type { AdviceResponse } from '../../../shared/contracts/advice.ts';
import { sqlAdapters } from '../storage/sql-adapters.ts';
import { bearer, createAdminHarness, expectProblemShape, type AdminHarness } from './support/admin-harness.ts';

const DAY_MS = 24 * 3600 * 1000;

const response = (indexVersion: string, flagged = false): Pick<AdviceResponse, 'indexVersion' | 'generator' | 'bias' | 'sources'> => ({
  indexVersion,
  generator: 'extractive-v1',
  bias: { score: flagged ? 0.8 : 0.1, flagged, flags: [] },
  sources: [
    { id: 'fha-basics', title: 'FHA loans', score: 0.9, excerpt: 'FHA loans allow…' },
    { id: 'credit-620', title: 'Credit scores', score: 0.5, excerpt: 'A 620 score…' },
  ],
});

type HistoryJson = {
  items: Array<{ id: string; question: string; questionRedacted: boolean; indexVersion: string; bias: { flagged: boolean; score: number }; sources: Array<{ id: string; title: string }> }>;
  nextCursor: string | null;
  retentionDays: number;
};

describe.each(sqlAdapters)('advice history on $name', (adapter) => {
  let harness: AdminHarness;
  let clock = Date.now();
  const now = () => clock;

  beforeAll(async () => {
    harness = await createAdminHarness(adapter, { now, redact: (text) => redactPersonalData(text).text });
  });
  afterAll(async () => harness?.close());

  it("stores a borrower's question (personal data redacted) with answer metadata, and shows each borrower only their own", async () => {
    const alice = await harness.signIn('user');
    const bob = await harness.signIn('user');
    await harness.history.recordAdvice({ userId: alice.user.id, question: 'Can I get an FHA loan? Email me at alice@example.com', response: response('v1', true) });
    await harness.history.recordAdvice({ userId: alice.user.id, question: 'What is PMI on a $200,000 home?', response: response('v2') });
    await harness.history.recordAdvice({ userId: bob.user.id, question: 'How do VA loans work?', response: response('v2') });

    const listed = await harness.app.request('/v1/advice/history', { headers: bearer(alice.accessToken) });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toContain('no-store');
    const body = (await listed.json()) as HistoryJson;
    expect(body.retentionDays).toBe(90);
    expect(body.items.map((item) => item.indexVersion)).toEqual(['v2', 'v1']);
    expect(body.items[0]).toMatchObject({ question: 'What is PMI on a $200,000 home?', questionRedacted: false, bias: { flagged: false } });
    expect(body.items[1]!.question).not.toContain('alice@example.com');
    expect(body.items[1]!.questionRedacted).toBe(true);
    expect(body.items[1]!.bias).toEqual({ flagged: true, score: 0.8 });
    expect(body.items[1]!.sources).toEqual([
      { id: 'fha-basics', title: 'FHA loans' },
      { id: 'credit-620', title: 'Credit scores' },
    ]);
    expect(JSON.stringify(body)).not.toContain('bob');
    expect(JSON.stringify(body)).not.toContain('VA loans');

    const page = (await (await harness.app.request('/v1/advice/history?limit=1', { headers: bearer(alice.accessToken) })).json()) as HistoryJson;
    expect(page.items).toHaveLength(1);
    const rest = (await (await harness.app.request(`/v1/advice/history?limit=1&cursor=${page.nextCursor}`, { headers: bearer(alice.accessToken) })).json()) as HistoryJson;
    expect(rest.items[0]!.indexVersion).toBe('v1');
  });

  it('hides entries past the retention and purges them', async () => {
    const carol = await harness.signIn('user');
    await harness.history.recordAdvice({ userId: carol.user.id, question: 'Old question about refinancing?', response: response('v0') });
    clock += 91 * DAY_MS;
    await harness.history.recordAdvice({ userId: carol.user.id, question: 'New question about refinancing?', response: response('v3') });
    const fresh = await harness.tokens.passwordGrant(carol.user.username, carol.password);
    const body = (await (await harness.app.request('/v1/advice/history', { headers: bearer(fresh.access_token) })).json()) as HistoryJson;
    expect(body.items.map((item) => item.indexVersion)).toEqual(['v3']);
    expect(await harness.history.purgeExpired()).toBeGreaterThanOrEqual(1);
    const { rows } = await harness.database.sql.query<{ count: number }>('SELECT count(*)::int AS count FROM advice_history WHERE user_id = $1', [carol.user.id]);
    expect(rows[0]?.count).toBe(1);
  });

  it('keeps nothing with a retention of 0 days', async () => {
    const history = createAdviceHistory({ sql: harness.database.sql, retentionDays: 0 });
    const dave = await harness.signIn('user');
    await history.recordAdvice({ userId: dave.user.id, question: 'Anything about ARMs?', response: response('v1') });
    expect((await history.list(dave.user.id, { limit: 10 })).items).toEqual([]);
  });

  it('stores no dotted SSN, ITIN or date of birth, and keeps the loan figures', async () => {
    const erin = await harness.signIn('user');
    const question = 'SSN 123.45.6789, ITIN 912-78-1234, born 04/12/1985: can I borrow $200,000 at 3.5% over 30-year with a 620 score?';
    await harness.history.recordAdvice({ userId: erin.user.id, question, response: response('v1') });
    const body = (await (await harness.app.request('/v1/advice/history', { headers: bearer(erin.accessToken) })).json()) as HistoryJson;
    expect(body.items[0]!.question).toBe('SSN [ssn], ITIN [itin], born [dob]: can I borrow $200,000 at 3.5% over 30-year with a 620 score?');
    expect(body.items[0]!.questionRedacted).toBe(true);
  });

  it('refuses a cursor beyond the bigint column with a 422 problem (history and audit), never a 500', async () => {
    const frank = await harness.signIn('super_admin');
    for (const path of ['/v1/advice/history', '/admin/audit']) {
      for (const cursor of ['9999999999999999999', '9223372036854775808']) {
        const refused = await harness.app.request(`${path}?cursor=${cursor}`, { headers: bearer(frank.accessToken) });
        expect(refused.status, `${path} ${cursor}`).toBe(422);
        expect((await expectProblemShape(refused)).code).toBe('validation-failed');
      }
      expect((await harness.app.request(`${path}?cursor=9223372036854775807`, { headers: bearer(frank.accessToken) })).status).toBe(200);
    }
  });

  it('requires advice:view_history: every role has it, no token is refused', async () => {
    expect((await expectProblemShape(await harness.app.request('/v1/advice/history'))).code).toBe('unauthorized');
    for (const role of ['financial_advisor', 'admin', 'super_admin'] as const) {
      const who = await harness.signIn(role);
      expect((await harness.app.request('/v1/advice/history', { headers: bearer(who.accessToken) })).status).toBe(200);
    }
  });
});
