import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../core/jobs/job-events.ts';
import { SHARED_REDIS_URL } from '../jobs/job-system-harness.ts';
import { sqlAdapters } from '../storage/sql-adapters.ts';
import { bearer, createAdminHarness, expectProblemShape, jsonRequest, type AdminHarness, type SignedIn } from './support/admin-harness.ts';

const pglite = sqlAdapters.find((adapter) => adapter.name === 'pglite')!;

/**
 * The operations routes over BullMQ on real Redis (unique key prefix): the bull-board dashboard
 * mounted behind the route table, workers from Redis, and audit client IPs from X-Forwarded-For.
 */
describe('admin operations on the BullMQ runner', () => {
  let harness: AdminHarness;
  let admin: SignedIn;
  let advisor: SignedIn;
  const call = (path: string, signedIn: SignedIn | null, init: RequestInit = {}) =>
    harness.app.request(path, {
      ...init,
      headers: { 'x-forwarded-for': '198.51.100.23, 10.0.0.1', ...(init.headers as Record<string, string>), ...(signedIn ? bearer(signedIn.accessToken) : {}) },
    });

  beforeAll(async () => {
    harness = await createAdminHarness(pglite, { redisUrl: SHARED_REDIS_URL, trustForwardedFor: true });
    [admin, advisor] = await Promise.all([harness.signIn('admin'), harness.signIn('financial_advisor')]);
  });
  afterAll(async () => harness?.close());

  it('runs a sync through the API and lists its jobs and the workers from Redis', async () => {
    const swapped = harness.operations.waitFor((event) => event.type === 'index.swapped', 'index.swapped');
    const response = await call('/admin/jobs/sync', admin, jsonRequest('POST', { source: 'corpus' }));
    expect(response.status, await response.clone().text()).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    const swap = (await swapped) as Extract<JobEvent, { type: 'index.swapped' }>;
    // The swap event comes before this instance has loaded the version; on a busy machine that takes more than poll's default second.
    await expect.poll(() => harness.operations.live.current()?.loaded.manifest.version, { timeout: 20_000 }).toBe(swap.version);

    const detail = (await (await call(`/admin/jobs/embedding/${jobId}`, admin)).json()) as { state: string; result: unknown };
    expect(detail).toMatchObject({ state: 'completed', result: { skipped: false, documents: 55 } });
    const page = (await (await call('/admin/jobs?queue=indexing', admin)).json()) as { items: { name: string; state: string }[] };
    expect(page.items.map((job) => `${job.name}:${job.state}`).sort()).toEqual(['build-index:completed', 'publish:completed']);

    const workers = (await (await call('/admin/workers', admin)).json()) as { runner: string; workers: { queue: string; name: string; address: string }[] };
    expect(workers.runner).toBe('bullmq');
    expect(workers.workers.map((worker) => worker.queue).sort()).toEqual(['embedding', 'indexing', 'maintenance']);
    for (const worker of workers.workers) {
      expect(worker.name).toContain(String(process.pid));
      expect(worker.address).toMatch(/^127\.0\.0\.1:\d+$/);
    }

    const row = (await harness.audit.query({ action: 'job.sync', limit: 10 })).items.find((candidate) => candidate.requestId === response.headers.get('x-request-id'));
    expect(row).toMatchObject({ actorId: admin.user.id, outcome: 'success', clientIp: '198.51.100.23' });
  });

  it('serves the bull-board dashboard to admins only, and audits the actions taken through it', async () => {
    const page = await call('/admin/dashboard', admin);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/admin/dashboard/');

    const api = await call('/admin/dashboard/api/queues', admin);
    expect(api.status, await api.clone().text()).toBe(200);
    const queues = ((await api.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name).sort();
    expect(queues).toEqual(['embedding', 'indexing', 'maintenance']);

    for (const [who, status] of [[null, 401], [advisor, 403]] as const) {
      const refused = await call('/admin/dashboard', who);
      expect(refused.status).toBe(status);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      await expectProblemShape(refused);
      expect((await call('/admin/dashboard/api/queues', who)).status).toBe(status);
    }
    const deniedPause = await call('/admin/dashboard/api/queues/maintenance/pause', advisor, { method: 'PUT' });
    expect(deniedPause.status).toBe(403);
    expect(await harness.operations.jobs.runner.isPaused('maintenance')).toBe(false);

    const pause = await call('/admin/dashboard/api/queues/maintenance/pause', admin, { method: 'PUT' });
    expect(pause.status, await pause.clone().text()).toBeLessThan(300);
    expect(await harness.operations.jobs.runner.isPaused('maintenance')).toBe(true);
    const rows = (await harness.audit.query({ action: 'dashboard.action', limit: 10 })).items;
    expect(rows.find((row) => row.requestId === pause.headers.get('x-request-id'))).toMatchObject({
      actorId: admin.user.id,
      target: '/admin/dashboard/api/queues/maintenance/pause',
      outcome: 'success',
      clientIp: '198.51.100.23',
    });
    expect(rows.find((row) => row.requestId === deniedPause.headers.get('x-request-id'))).toMatchObject({ actorId: advisor.user.id, outcome: 'denied' });

    const status = (await (await call('/admin/queues', admin)).json()) as { queues: { name: string; paused: boolean }[] };
    expect(status.queues.find((queue) => queue.name === 'maintenance')?.paused).toBe(true);
    expect((await call('/admin/queues/maintenance/resume', admin, { method: 'POST' })).status).toBe(200);
    expect(await harness.operations.jobs.runner.isPaused('maintenance')).toBe(false);
  });
});
