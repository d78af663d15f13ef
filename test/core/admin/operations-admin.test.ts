import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../core/audit/audit-log.ts';
import type { JobEvent } from '../../../core/jobs/job-events.ts';
import type { IngestResult } from '../../../core/jobs/processors/ingest.ts';
import { FEED_START, type FeedEvent } from '../../../core/feed/feed-event.ts';
import { sqlAdapters } from '../storage/sql-adapters.ts';
import { bearer, createAdminHarness, expectProblemShape, jsonRequest, type AdminHarness, type SignedIn } from './support/admin-harness.ts';

type JobJson = { id: string; name: string; queue: string; state: string; attemptsMade: number; attempts: number; progress: unknown; result: unknown; createdAt: string; parent: { queue: string; id: string } | null };
type Page = { items: JobJson[]; nextCursor: string | null };

/** The peer address @hono/node-server would hand the app: audit rows record it as the client IP. */
const PEER = { incoming: { socket: { remoteAddress: '203.0.113.9' } } };
const TEXT = 'An escrow account holds money for property taxes and homeowners insurance, paid with the monthly mortgage payment.';

const pglite = sqlAdapters.find((adapter) => adapter.name === 'pglite')!;

describe('admin jobs, queues, index, stats and dashboard (in-process runner)', () => {
  let harness: AdminHarness;
  let root: SignedIn;
  let admin: SignedIn;
  let advisor: SignedIn;
  let borrower: SignedIn;
  let firstVersion: string;

  const call = (path: string, signedIn: SignedIn | null, init: RequestInit = {}) =>
    harness.app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...(signedIn ? bearer(signedIn.accessToken) : {}) } }, PEER);
  const json = async <T>(response: Response, status = 200): Promise<T> => {
    expect(response.status, await response.clone().text()).toBe(status);
    return (await response.json()) as T;
  };
  const problem = async (response: Response, status: number, code?: string) => {
    expect(response.status, await response.clone().text()).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await expectProblemShape(response);
    if (code) expect(body.code).toBe(code);
    return body;
  };
  /** The audit row the request wrote: matched by the request id the response echoes. */
  const auditRow = async (response: Response, action: string): Promise<AuditRecord> => {
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const page = await harness.audit.query({ action, limit: 200 });
    const row = page.items.find((candidate) => candidate.requestId === requestId);
    expect(row, `audit row ${action} for request ${requestId}`).toBeDefined();
    expect(row!.clientIp).toBe('203.0.113.9');
    return row!;
  };
  const completed = (jobId: string) => (event: JobEvent) => event.type === 'job.completed' && event.jobId === jobId;
  const failedForGood = (jobId: string) => (event: JobEvent) => event.type === 'job.failed' && event.jobId === jobId && !event.willRetry;
  const swapped = () => harness.operations.waitFor((event) => event.type === 'index.swapped', 'index.swapped');
  const feedEvents = async (): Promise<FeedEvent[]> => {
    const controller = new AbortController();
    const seen: FeedEvent[] = [];
    const last = await harness.feed.lastId();
    if (last === null) return seen;
    for await (const entry of harness.feed.subscribe({ afterId: FEED_START, signal: controller.signal })) {
      seen.push(entry.event);
      if (entry.id === last) controller.abort();
    }
    return seen;
  };

  beforeAll(async () => {
    harness = await createAdminHarness(pglite);
    [root, admin, advisor, borrower] = await Promise.all([harness.signIn('super_admin'), harness.signIn('admin'), harness.signIn('financial_advisor'), harness.signIn('user')]);
    const swap = swapped();
    const response = await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'corpus' }));
    const accepted = await json<{ jobId: string; queue: string; name: string; href: string }>(response, 202);
    expect(accepted).toMatchObject({ queue: 'embedding', name: 'ingest', href: `/admin/jobs/embedding/${accepted.jobId}` });
    firstVersion = ((await swap) as Extract<JobEvent, { type: 'index.swapped' }>).version;
    const row = await auditRow(response, 'job.sync');
    expect(row).toMatchObject({ actorId: admin.user.id, actorUsername: admin.user.username, target: 'source:corpus', outcome: 'success', details: { mode: 'sync', jobId: accepted.jobId, status: 202 } });
  });
  afterAll(async () => harness?.close());

  it('starts a sync and a re-embed, and shows the ingest job with its result', async () => {
    const jobs = (await json<Page>(await call('/admin/jobs?queue=embedding&state=completed', admin))).items;
    const ingest = jobs.find((job) => job.name === 'ingest')!;
    const detail = await json<JobJson>(await call(`/admin/jobs/embedding/${ingest.id}`, admin));
    expect(detail).toMatchObject({ id: ingest.id, name: 'ingest', state: 'completed', attemptsMade: 0, parent: null, result: { skipped: false, documents: 55, reused: 0, toEmbed: 55 } });
    expect(detail.progress).toMatchObject({ stage: 'queued', batches: 3 });

    const swap = swapped();
    const response = await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'corpus', mode: 'reembed' }));
    const { jobId } = await json<{ jobId: string }>(response, 202);
    await swap;
    const result = (harness.operations.events.find(completed(jobId)) as Extract<JobEvent, { type: 'job.completed' }>).result as IngestResult;
    expect(result).toMatchObject({ skipped: false, reused: 0, toEmbed: 55 });
    expect((await auditRow(response, 'job.sync')).details).toMatchObject({ mode: 'reembed', jobId });

    const unchanged = await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'corpus', mode: 'sync' }));
    const skipped = (await json<{ jobId: string }>(unchanged, 202)).jobId;
    await expect.poll(async () => (await json<JobJson>(await call(`/admin/jobs/embedding/${skipped}`, admin))).result).toMatchObject({ skipped: true });
  });

  it('refuses bad sync requests with problem+json and audits them', async () => {
    const unknown = await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'elsewhere' }));
    await problem(unknown, 422, 'validation-failed');
    expect(await auditRow(unknown, 'job.sync')).toMatchObject({ outcome: 'failure', target: 'source:elsewhere', details: { problem: 'validation-failed', status: 422 } });
    await problem(await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'corpus', mode: 'sometimes' })), 422, 'validation-failed');
    await problem(await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'corpus', extra: true })), 422, 'validation-failed');
    await problem(await call('/admin/jobs/sync', admin, jsonRequest('POST', {})), 422, 'validation-failed');
    await problem(await call('/admin/jobs/sync', admin, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'corpus' }), 415, 'unsupported-media-type');
    await problem(await call('/admin/jobs/sync', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"source":' }), 400, 'malformed-json');
    const denied = await call('/admin/jobs/sync', advisor, jsonRequest('POST', { source: 'corpus' }));
    await problem(denied, 403, 'forbidden');
    expect(await auditRow(denied, 'job.sync')).toMatchObject({ outcome: 'denied', actorId: advisor.user.id });
    await problem(await call('/admin/jobs/sync', null, jsonRequest('POST', { source: 'corpus' })), 401, 'unauthorized');
  });

  it('lists jobs newest first by queue, state and time, in pages', async () => {
    const all = await json<Page>(await call('/admin/jobs?limit=200', admin));
    expect(all.items.length).toBeGreaterThanOrEqual(10);
    const times = all.items.map((job) => Date.parse(job.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await json<Page>(await call(`/admin/jobs?queue=embedding&state=completed&limit=3${cursor ? `&cursor=${cursor}` : ''}`, admin));
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.items.every((job) => job.queue === 'embedding' && job.state === 'completed')).toBe(true);
      seen.push(...page.items.map((job) => job.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(all.items.filter((job) => job.queue === 'embedding' && job.state === 'completed').length);

    const newest = all.items[0]!;
    const since = await json<Page>(await call(`/admin/jobs?from=${encodeURIComponent(newest.createdAt)}`, admin));
    expect(since.items.every((job) => Date.parse(job.createdAt) >= Date.parse(newest.createdAt))).toBe(true);
    expect(since.items.map((job) => job.id)).toContain(newest.id);
    const before = await json<Page>(await call(`/admin/jobs?to=${encodeURIComponent(newest.createdAt)}&limit=200`, admin));
    expect(before.items.map((job) => job.id)).not.toContain(newest.id);
    expect((await json<Page>(await call('/admin/jobs?state=prioritized', admin))).items).toEqual([]);
    expect((await call('/admin/jobs', advisor)).status).toBe(403);

    for (const query of ['state=sleeping', 'queue=email', 'limit=0', 'limit=201', 'cursor=not*a*cursor', 'cursor=bm90LWpzb24', 'from=yesterday', 'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'page=2']) {
      await problem(await call(`/admin/jobs?${query}`, admin), 422, 'validation-failed');
    }
    await problem(await call('/admin/jobs/embedding/ingest.nobody.1', admin), 404, 'not-found');
    await problem(await call('/admin/jobs/embedding/meta', admin), 422, 'validation-failed');
    await problem(await call('/admin/jobs/email/ingest.corpus.1', admin), 422, 'validation-failed');
  });

  it('cancels a job that has not started, refuses running, finished and flow-child jobs', async () => {
    const paused = await call('/admin/queues/maintenance/pause', admin, { method: 'POST' });
    expect(await json<{ paused: boolean }>(paused)).toMatchObject({ name: 'maintenance', paused: true });
    expect(await auditRow(paused, 'queue.pause')).toMatchObject({ target: 'queue:maintenance', outcome: 'success' });
    const cleanupId = await harness.operations.jobs.enqueueCleanup(5);
    const cancelled = await call(`/admin/jobs/maintenance/${cleanupId}/cancel`, admin, { method: 'POST' });
    expect(await json<JobJson>(cancelled)).toMatchObject({ id: cleanupId, name: 'cleanup', state: 'waiting' });
    expect(await auditRow(cancelled, 'job.cancel')).toMatchObject({ target: `job:maintenance/${cleanupId}`, outcome: 'success', details: { outcome: 'removed' } });
    await problem(await call(`/admin/jobs/maintenance/${cleanupId}`, admin), 404, 'not-found');
    const again = await call(`/admin/jobs/maintenance/${cleanupId}/cancel`, admin, { method: 'POST' });
    await problem(again, 404, 'not-found');
    expect((await auditRow(again, 'job.cancel')).outcome).toBe('failure');
    const resumed = await call('/admin/queues/maintenance/resume', admin, { method: 'POST' });
    expect(await json<{ paused: boolean }>(resumed)).toMatchObject({ paused: false });
    expect((await auditRow(resumed, 'queue.resume')).target).toBe('queue:maintenance');

    // Hold the embedder: a re-embed's first two batches run (embedding concurrency 2), the third waits.
    const release = harness.operations.holdEmbedding();
    try {
      const { jobId } = await json<{ jobId: string }>(await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'corpus', mode: 'reembed' })), 202);
      const ingest = await harness.operations.waitFor(completed(jobId), 'ingest').then(
        () => harness.operations.events.find(completed(jobId)) as Extract<JobEvent, { type: 'job.completed' }>,
      );
      const run = (ingest.result as IngestResult).run!;
      await expect.poll(async () => (await json<JobJson>(await call(`/admin/jobs/embedding/embed-batch.${run}.0`, admin))).state).toBe('active');
      const waiting = (await json<Page>(await call('/admin/jobs?queue=embedding&state=waiting', admin))).items.find((job) => job.id.startsWith(`embed-batch.${run}.`))!;
      expect(waiting.parent).toEqual({ queue: 'indexing', id: `build-index.${run}` });

      const running = await call(`/admin/jobs/embedding/embed-batch.${run}.0/cancel`, admin, { method: 'POST' });
      await problem(running, 409, 'job-active');
      expect(await auditRow(running, 'job.cancel')).toMatchObject({ outcome: 'failure', details: { outcome: 'active', problem: 'job-active' } });
      const child = await call(`/admin/jobs/embedding/${waiting.id}/cancel`, admin, { method: 'POST' });
      expect(await problem(child, 409, 'job-state-conflict')).toBeDefined();
      const flowRoot = await call(`/admin/jobs/indexing/publish.${run}/cancel`, admin, { method: 'POST' });
      await problem(flowRoot, 409, 'job-active');
    } finally {
      release();
    }
    await swapped();
    const finished = await call(`/admin/jobs/embedding/${(await json<Page>(await call('/admin/jobs?queue=embedding&state=completed&limit=1', admin))).items[0]!.id}/cancel`, admin, { method: 'POST' });
    await problem(finished, 409, 'job-state-conflict');
    await problem(await call('/admin/jobs/embedding/not-a-job/cancel', admin, { method: 'POST' }), 422, 'validation-failed');
    const denied = await call(`/admin/jobs/maintenance/${cleanupId}/cancel`, advisor, { method: 'POST' });
    await problem(denied, 403, 'forbidden');
    expect((await auditRow(denied, 'job.cancel')).outcome).toBe('denied');
  });

  it('retries a failed job with its attempts reset; refuses jobs that did not fail', async () => {
    // The in-process runner may fail it before enqueueSync returns: wait for it by name.
    const failure = harness.operations.waitFor((event) => event.type === 'job.failed' && event.jobId.startsWith('ingest.no-such-source.') && !event.willRetry, 'failed ingest');
    const jobId = await harness.operations.jobs.enqueueSync('no-such-source');
    await failure;
    const failed = await json<JobJson & { failedReason: string }>(await call(`/admin/jobs/embedding/${jobId}`, admin));
    expect(failed).toMatchObject({ state: 'failed', attemptsMade: 1 });
    expect(failed.failedReason).toContain('unknown document source');

    // Paused, so the retried job is seen waiting before it runs (and fails) again.
    expect((await call('/admin/queues/embedding/pause', admin, { method: 'POST' })).status).toBe(200);
    const retried = await call(`/admin/jobs/embedding/${jobId}/retry`, admin, { method: 'POST' });
    expect(await json<JobJson>(retried)).toMatchObject({ id: jobId, state: 'waiting', attemptsMade: 0, failedReason: null });
    expect(await auditRow(retried, 'job.retry')).toMatchObject({ target: `job:embedding/${jobId}`, outcome: 'success', details: { outcome: 'retried' } });
    const again = harness.operations.waitFor(failedForGood(jobId), 'failed again');
    expect((await call('/admin/queues/embedding/resume', admin, { method: 'POST' })).status).toBe(200);
    await again;
    expect(await json<JobJson>(await call(`/admin/jobs/embedding/${jobId}`, admin))).toMatchObject({ state: 'failed', attemptsMade: 1 });

    const done = (await json<Page>(await call('/admin/jobs?state=completed&limit=1', admin))).items[0]!;
    const notFailed = await call(`/admin/jobs/${done.queue}/${done.id}/retry`, admin, { method: 'POST' });
    await problem(notFailed, 409, 'job-state-conflict');
    expect((await auditRow(notFailed, 'job.retry')).details).toMatchObject({ outcome: 'not-failed', problem: 'job-state-conflict' });
    await problem(await call('/admin/jobs/embedding/ingest.none.1/retry', admin, { method: 'POST' }), 404, 'not-found');
    await problem(await call('/admin/jobs/nowhere/ingest.none.1/retry', admin, { method: 'POST' }), 422, 'validation-failed');
    await problem(await call(`/admin/jobs/embedding/${jobId}/retry`, borrower, { method: 'POST' }), 403, 'forbidden');
  });

  it('shows queues and workers, and cleans finished jobs', async () => {
    const queues = await json<{ runner: string; queues: { name: string; paused: boolean; counts: Record<string, number>; workers: number }[] }>(await call('/admin/queues', admin));
    expect(queues.runner).toBe('in-process');
    expect(queues.queues.map((queue) => queue.name)).toEqual(['embedding', 'indexing', 'maintenance']);
    const embedding = queues.queues[0]!;
    expect(embedding).toMatchObject({ paused: false, workers: 1 });
    expect(embedding.counts.completed).toBeGreaterThanOrEqual(7);

    const workers = await json<{ runner: string; workers: { queue: string; name: string; address: string | null }[] }>(await call('/admin/workers', admin));
    expect(workers.workers.map((worker) => worker.queue).sort()).toEqual(['embedding', 'indexing', 'maintenance']);
    expect(workers.workers[0]!.name).toContain(String(process.pid));

    const kept = await call('/admin/queues/indexing/clean', admin, jsonRequest('POST', { state: 'completed' }));
    expect(await json<{ removed: number }>(kept)).toMatchObject({ queue: 'indexing', state: 'completed', removed: 0 });
    const cleaned = await call('/admin/queues/indexing/clean', admin, jsonRequest('POST', { state: 'completed', graceSeconds: 0, limit: 2 }));
    const result = await json<{ removed: number; ids: string[] }>(cleaned);
    expect(result.removed).toBe(2);
    expect(result.ids).toHaveLength(2);
    for (const id of result.ids) expect(await harness.operations.jobs.runner.get('indexing', id)).toBeNull();
    expect(await auditRow(cleaned, 'queue.clean')).toMatchObject({ target: 'queue:indexing', outcome: 'success', details: { state: 'completed', graceSeconds: 0, limit: 2, removed: 2 } });

    for (const bad of [{}, { state: 'active' }, { state: 'failed', graceSeconds: -1 }, { state: 'failed', limit: 0 }, { state: 'failed', limit: 10_001 }, { state: 'failed', olderThan: 5 }]) {
      await problem(await call('/admin/queues/indexing/clean', admin, jsonRequest('POST', bad)), 422, 'validation-failed');
    }
    await problem(await call('/admin/queues/indexing/clean', admin, { method: 'POST' }), 415, 'unsupported-media-type');
    await problem(await call('/admin/queues/email/clean', admin, jsonRequest('POST', { state: 'failed' })), 422, 'validation-failed');
    await problem(await call('/admin/queues/email/pause', admin, { method: 'POST' }), 422, 'validation-failed');
    await problem(await call('/admin/queues/email/resume', admin, { method: 'POST' }), 422, 'validation-failed');
    await problem(await call('/admin/queues', advisor), 403, 'forbidden');
    await problem(await call('/admin/workers', borrower), 403, 'forbidden');
  });

  it('uploads documents, reporting invalid ones without failing the batch, then syncs them into a new version', async () => {
    const swap = swapped();
    const response = await call(
      '/admin/documents',
      admin,
      jsonRequest('POST', {
        documents: [
          { id: 'uploads/escrow-1', title: 'Escrow accounts', text: TEXT },
          { id: 'bad id with spaces', title: 'Bad', text: TEXT },
          { id: 'uploads/too-short', title: 'Short', text: 'Too short.' },
          'not a document',
          { id: 'uploads/escrow-1', title: 'Escrow again', text: TEXT },
          { id: 'uploads/huge', title: 'Huge', text: 'a'.repeat(20_001) },
          { id: 'uploads/points-1', title: 'Discount points', text: 'Discount points lower the interest rate in exchange for a fee paid at closing.' },
        ],
      }),
    );
    const result = await json<{ accepted: { id: string }[]; rejected: { index: number; id: string | null; errors: { path: string }[] }[]; syncJobId: string | null }>(response);
    expect(result.accepted).toEqual([{ id: 'uploads/escrow-1' }, { id: 'uploads/points-1' }]);
    expect(result.rejected.map((row) => [row.index, row.id, row.errors[0]!.path])).toEqual([
      [1, 'bad id with spaces', 'id'],
      [2, 'uploads/too-short', 'text'],
      [3, null, '(body)'],
      [4, 'uploads/escrow-1', 'id'],
      [5, 'uploads/huge', 'text'],
    ]);
    expect(result.syncJobId).toMatch(/^ingest\.corpus\./);
    expect(await auditRow(response, 'document.upload')).toMatchObject({ actorId: admin.user.id, outcome: 'success', target: 'source:corpus', details: { received: 7, accepted: 2, rejected: 5, syncJobId: result.syncJobId } });
    const version = ((await swap) as Extract<JobEvent, { type: 'index.swapped' }>).version;
    expect((await harness.operations.repository.load(version)).manifest.count).toBe(57);
    expect(harness.operations.live.current()?.loaded.manifest.version).toBe(version);

    const none = await call('/admin/documents', admin, jsonRequest('POST', { documents: [{ id: 'x' }] }));
    const body = (await none.clone().json()) as { rejected: unknown[] };
    await problem(none, 422, 'validation-failed');
    expect(body.rejected).toHaveLength(1);
    expect((await auditRow(none, 'document.upload')).outcome).toBe('failure');
    await problem(await call('/admin/documents', admin, jsonRequest('POST', { documents: [] })), 422, 'validation-failed');
    await problem(await call('/admin/documents', admin, jsonRequest('POST', { documents: Array.from({ length: 501 }, () => ({})) })), 422, 'validation-failed');
    await problem(await call('/admin/documents', admin, jsonRequest('POST', { documents: [{}], sync: 'yes' })), 422, 'validation-failed');
    await problem(await call('/admin/documents', admin, jsonRequest('POST', { documents: [{ id: 'a', title: 'b', text: 'c'.repeat(2_000_000) }, { id: 'd', title: 'e', text: 'f'.repeat(2_500_000) }] })), 413, 'payload-too-large');
    await problem(await call('/admin/documents', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[' }), 400, 'malformed-json');
    await problem(await call('/admin/documents', advisor, jsonRequest('POST', { documents: [{}] })), 403, 'forbidden');
  });

  it('stores uploaded markup as plain text, and deletes an uploaded document (audited, re-synced out of the index)', async () => {
    const id = 'uploads/markup-1';
    const swap = swapped();
    const uploaded = await json<{ accepted: { id: string }[]; syncJobId: string }>(
      await call(
        '/admin/documents',
        admin,
        jsonRequest('POST', {
          documents: [
            {
              id,
              title: '<script>alert(1)</script>Escrow <b>basics</b>',
              text: `<img src=x onerror=alert(1)>Escrow accounts hold <i>taxes</i> and insurance; a DTI < 43% helps.<!-- hidden --> <scr<script>x</script>ipt>alert(2)</script>`,
            },
            { id: 'uploads/js-link', title: 'Link', text: TEXT, url: 'javascript:alert(1)' },
          ],
        }),
      ),
    );
    expect(uploaded.accepted).toEqual([{ id }]);
    await swap;
    const indexed = harness.operations.live.current()!.loaded.documents.find((document) => document.id === id)!;
    expect(indexed.title).toBe('Escrow basics');
    expect(indexed.text).toContain('Escrow accounts hold taxes and insurance; a DTI < 43% helps.');
    expect(`${indexed.title} ${indexed.text}`).not.toMatch(/<\/?[a-z]|onerror|<!--/i);

    await problem(await call(`/admin/documents/${encodeURIComponent(id)}`, advisor, { method: 'DELETE' }), 403, 'forbidden');
    await problem(await call('/admin/documents/bad%20id', admin, { method: 'DELETE' }), 422, 'validation-failed');
    const deleted = await call(`/admin/documents/${encodeURIComponent(id)}`, admin, { method: 'DELETE' });
    const body = await json<{ deleted: string; syncJobId: string | null }>(deleted.clone());
    expect(body.deleted).toBe(id);
    expect(body.syncJobId).toMatch(/^ingest\.corpus\./);
    expect(await auditRow(deleted, 'document.delete')).toMatchObject({ actorId: admin.user.id, outcome: 'success', target: `document:${id}`, details: { syncJobId: body.syncJobId } });
    // The sync rebuilds without it (or re-activates an identical earlier version).
    await expect.poll(() => harness.operations.live.current()!.loaded.documents.some((document) => document.id === id), { timeout: 20_000 }).toBe(false);
    const again = await call(`/admin/documents/${encodeURIComponent(id)}`, admin, { method: 'DELETE' });
    await problem(again, 404, 'not-found');
    expect((await auditRow(again, 'document.delete')).outcome).toBe('failure');
  });

  it('deletes several uploaded documents in one request with one sync, naming the ids it did not find', async () => {
    const ids = ['uploads/bulk-1', 'uploads/bulk-2', 'uploads/bulk-3'];
    const swap = swapped();
    await json(await call('/admin/documents', admin, jsonRequest('POST', { documents: ids.map((id, i) => ({ id, title: `Bulk note ${i}`, text: TEXT })) })));
    await swap;
    expect(ids.every((id) => harness.operations.live.current()!.loaded.documents.some((document) => document.id === id))).toBe(true);

    await problem(await call('/admin/documents/delete', advisor, jsonRequest('POST', { ids })), 403, 'forbidden');
    for (const bad of [{}, { ids: [] }, { ids: ['bad id'] }, { ids: Array.from({ length: 501 }, (_, i) => `x${i}`) }, { ids, sync: 'yes' }, { ids, extra: 1 }]) {
      await problem(await call('/admin/documents/delete', admin, jsonRequest('POST', bad)), 422, 'validation-failed');
    }
    await problem(await call('/admin/documents/delete', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400, 'malformed-json');

    const response = await call('/admin/documents/delete', admin, jsonRequest('POST', { ids: [...ids, 'uploads/never-uploaded', ids[0]] }));
    const body = await json<{ deleted: string[]; notFound: string[]; syncJobId: string | null }>(response.clone());
    expect(body.deleted).toEqual(ids);
    expect(body.notFound).toEqual(['uploads/never-uploaded']);
    expect(body.syncJobId).toMatch(/^ingest\.corpus\./);
    expect(await auditRow(response, 'document.delete')).toMatchObject({ actorId: admin.user.id, outcome: 'success', target: 'source:corpus', details: { requested: 4, deleted: 3, notFound: 1, syncJobId: body.syncJobId } });
    await expect.poll(() => harness.operations.live.current()!.loaded.documents.some((document) => ids.includes(document.id)), { timeout: 20_000 }).toBe(false);
    // Nothing left to delete: no sync is started.
    expect(await json<{ deleted: string[]; syncJobId: string | null }>(await call('/admin/documents/delete', admin, jsonRequest('POST', { ids })))).toMatchObject({ deleted: [], syncJobId: null });
  });

  it('shows the live version and stats, lists versions, builds, rolls back, and deletes old versions but never the live one', async () => {
    const versions = await json<{ live: string; serving: string; versions: { version: string; live: boolean; serving: boolean; manifest: { count: number; embedder: Record<string, unknown> } }[] }>(
      await call('/admin/index/versions', admin),
    );
    expect(versions.versions.length).toBeGreaterThanOrEqual(2);
    expect(versions.live).toBe(versions.serving);
    expect(versions.versions.filter((version) => version.live).map((version) => version.version)).toEqual([versions.live]);
    expect(versions.versions.every((version) => !('state' in version.manifest.embedder))).toBe(true);
    const live = versions.live;

    const status = await json<{ live: string; serving: string; current: { version: string }; stats: { vectors: number; memoryBytes: number } }>(await call('/admin/index', admin));
    expect(status).toMatchObject({ live, serving: live, current: { version: live }, stats: { vectors: 57, memoryBytes: 57 * 384 * 4 } });

    const rollback = await call(`/admin/index/versions/${firstVersion}/activate`, admin, { method: 'POST' });
    expect(await json<{ version: string; previous: string; receivers: number }>(rollback)).toEqual({ version: firstVersion, previous: live, receivers: 1 });
    expect(await harness.operations.repository.latestVersion()).toBe(firstVersion);
    expect(harness.operations.live.current()?.loaded.manifest.version).toBe(firstVersion);
    expect(await auditRow(rollback, 'index.activate')).toMatchObject({ target: `index:${firstVersion}`, outcome: 'success', details: { previous: live } });
    expect((await feedEvents()).filter((event) => event.type === 'index.swapped').at(-1)).toMatchObject({ version: firstVersion, previous: live, receivers: 1 });

    const refused = await call(`/admin/index/versions/${firstVersion}`, admin, { method: 'DELETE' });
    await problem(refused, 409, 'live-index-version');
    expect(await auditRow(refused, 'index.version.delete')).toMatchObject({ outcome: 'failure', details: { problem: 'live-index-version' } });
    const deleted = await call(`/admin/index/versions/${live}`, admin, { method: 'DELETE' });
    // index.faiss, documents.bin, bm25.bin, embedder.bin, manifest.json
    expect(await json<{ version: string; deletedObjects: number }>(deleted)).toEqual({ version: live, deletedObjects: 5 });
    expect(await harness.operations.repository.listVersions()).not.toContain(live);
    expect((await auditRow(deleted, 'index.version.delete')).target).toBe(`index:${live}`);
    await problem(await call(`/admin/index/versions/${live}`, admin, { method: 'DELETE' }), 404, 'not-found');
    const unknown = await call('/admin/index/versions/0123456789abcdef/activate', admin, { method: 'POST' });
    await problem(unknown, 404, 'not-found');
    expect((await auditRow(unknown, 'index.activate')).outcome).toBe('failure');
    await problem(await call('/admin/index/versions/latest/activate', admin, { method: 'POST' }), 422, 'validation-failed');
    await problem(await call('/admin/index/versions/ABCDEF0123456789', admin, { method: 'DELETE' }), 422, 'validation-failed');

    const swap = swapped();
    const build = await call('/admin/index/build', admin, { method: 'POST' });
    const { jobId } = await json<{ jobId: string }>(build, 202);
    await swap;
    expect((harness.operations.events.find(completed(jobId)) as Extract<JobEvent, { type: 'job.completed' }>).result).toMatchObject({ skipped: false, reused: 57, toEmbed: 0 });
    expect(await auditRow(build, 'index.build')).toMatchObject({ target: 'source:corpus', outcome: 'success', details: { jobId } });

    await problem(await call(`/admin/index/versions/${firstVersion}/activate`, advisor, { method: 'POST' }), 403, 'forbidden');
    await problem(await call('/admin/index/build', borrower, { method: 'POST' }), 403, 'forbidden');
    await problem(await call('/admin/index/versions', borrower), 403, 'forbidden');
  });

  it('reports stats to financial advisors: vectors, memory, queue depths, migration urgency and growth', async () => {
    const stats = await json<{
      vectors: number;
      memoryBytes: number;
      urgency: { score: number; level: string };
      thresholds: { critical: number };
      growthPerDay: number | null;
      daysUntilCritical: number | null;
      queues: Record<string, Record<string, number>>;
      depth: Record<string, number>;
      serving: string;
    }>(await call('/admin/stats', advisor));
    expect(stats).toMatchObject({ vectors: 57, memoryBytes: 57 * 384 * 4, thresholds: { warning: 400_000, critical: 500_000 }, urgency: { score: 0, level: 'ok' } });
    expect(stats.serving).toBe(await harness.operations.repository.latestVersion());
    expect(Object.keys(stats.queues)).toEqual(['embedding', 'indexing', 'maintenance']);
    expect(stats.queues.embedding!.completed).toBeGreaterThan(0);
    expect(stats.depth).toEqual({ embedding: 0, indexing: 0, maintenance: 0 });
    // The stored versions grew from 55 to 57 vectors between their creation times.
    expect(stats.growthPerDay).toBeGreaterThan(0);
    expect(stats.daysUntilCritical).toBeGreaterThan(0);
    await problem(await call('/admin/stats', borrower), 403, 'forbidden');
    await problem(await call('/admin/stats', null), 401, 'unauthorized');
  });

  it('answers the dashboard with requires-redis under the in-process runner, behind the same permissions', async () => {
    await problem(await call('/admin/dashboard', admin), 501, 'requires-redis');
    await problem(await call('/admin/dashboard/api/queues', root), 501, 'requires-redis');
    await problem(await call('/admin/dashboard', advisor), 403, 'forbidden');
    await problem(await call('/admin/dashboard', null), 401, 'unauthorized');
    const action = await call('/admin/dashboard/api/queues/embedding/pause', admin, { method: 'PUT' });
    await problem(action, 501, 'requires-redis');
    expect(await auditRow(action, 'dashboard.action')).toMatchObject({ target: '/admin/dashboard/api/queues/embedding/pause', outcome: 'failure', details: { problem: 'requires-redis' } });
  });
});
