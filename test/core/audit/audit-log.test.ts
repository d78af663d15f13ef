import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog, type AuditEntry, type AuditLog } from '../../../core/audit/audit-log.ts';
import { openMigrated, sqlAdapters, type OpenedDatabase } from '../storage/sql-adapters.ts';

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code?: string; message?: string });

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  actorId: '6f1c1a52-3b7e-4f0e-9d43-6f9a4b0a1c11',
  actorUsername: 'root',
  action: 'user.create',
  target: 'user:1',
  outcome: 'success',
  clientIp: '127.0.0.1',
  requestId: 'req-1',
  details: { role: 'user' },
  ...overrides,
});

describe.each(sqlAdapters)('audit log on $name', (adapter) => {
  let database: OpenedDatabase;
  let audit: AuditLog;

  beforeAll(async () => {
    database = await openMigrated(adapter);
    audit = createAuditLog(database.sql);
  });
  afterAll(async () => database?.close());

  it('appends rows and returns them as written', async () => {
    const record = await audit.append(entry());
    expect(record).toMatchObject({ ...entry(), id: expect.stringMatching(/^\d+$/) });
    expect(record.at).toBeInstanceOf(Date);
    const malformedActor = await audit.append(entry({ actorId: 'not-a-uuid', target: 'user:odd' }));
    expect(malformedActor.actorId).toBeNull();
    expect(malformedActor.details.actorIdText).toBe('not-a-uuid');
  });

  it('redacts personal data from the target and from every string in details, keeping the rest', async () => {
    const record = await audit.append(
      entry({
        action: 'user.note',
        target: 'user:jane.doe@example.com',
        details: { reason: 'borrower SSN 123-45-6789 called from (555) 123-4567', nested: { emails: ['jane.doe@example.com', 'ok'] }, status: 201, count: 3, role: 'user' },
      }),
    );
    expect(record.target).toBe('user:[email]');
    expect(record.details).toEqual({ reason: 'borrower SSN [ssn] called from [phone]', nested: { emails: ['[email]', 'ok'] }, status: 201, count: 3, role: 'user' });
    const stored = (await audit.query({ action: 'user.note', limit: 5 })).items[0];
    expect(stored?.details).toEqual(record.details);
    expect(JSON.stringify(stored)).not.toMatch(/jane\.doe|123-45-6789|555\) 123/);
  });

  it('filters by actor, action, target, outcome and time, newest first, with a cursor', async () => {
    const other = '0d0c7b8e-7a0e-4c55-8f0a-3e4b4c1d2e3f';
    await audit.append(entry({ actorId: other, actorUsername: 'ops', action: 'user.disable', target: 'user:2', outcome: 'denied' }));
    await audit.append(entry({ actorId: other, actorUsername: 'ops', action: 'user.enable', target: 'user:2', outcome: 'failure' }));
    expect((await audit.query({ actorId: other, limit: 10 })).items.map((row) => row.action)).toEqual(['user.enable', 'user.disable']);
    expect((await audit.query({ actorUsername: 'ops', outcome: 'denied', limit: 10 })).items.map((row) => row.action)).toEqual(['user.disable']);
    expect((await audit.query({ target: 'user:2', action: 'user.enable', limit: 10 })).items).toHaveLength(1);
    expect((await audit.query({ from: new Date(Date.now() + 60_000), limit: 10 })).items).toEqual([]);
    expect((await audit.query({ to: new Date(Date.now() - 3600_000), limit: 10 })).items).toEqual([]);
    const first = await audit.query({ limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await audit.query({ limit: 2, before: first.nextCursor ?? undefined });
    expect(second.items.length).toBeGreaterThan(0);
    expect(BigInt(second.items[0]!.id)).toBeLessThan(BigInt(first.items[1]!.id));
    expect((await audit.query({ actorId: 'garbage', limit: 5 })).items).toEqual([]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE at the database', async () => {
    const before = (await audit.query({ limit: 500 })).items.length;
    const update = await failure(database.sql.query(`UPDATE audit_log SET outcome = 'success'`));
    expect(update?.message).toMatch(/append-only/);
    expect(update?.code).toBe('42501');
    expect((await failure(database.sql.query('DELETE FROM audit_log')))?.message).toMatch(/append-only/);
    expect((await failure(database.sql.query('TRUNCATE audit_log')))?.message).toMatch(/append-only/);
    expect((await audit.query({ limit: 500 })).items.length).toBe(before);
  });
});
