import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle, type LoginThrottle } from '../../../core/auth/login-throttle.ts';
import { openMigrated, sqlAdapters, type OpenedDatabase } from '../storage/sql-adapters.ts';
import { startCore, TEST_ADMIN_PASSWORD, type StartedCore } from '../../support/start-core.ts';

describe.each(sqlAdapters)('login throttle on $name', (adapter) => {
  let database: OpenedDatabase;
  let clock = Date.UTC(2026, 0, 1);
  let throttle: LoginThrottle;
  let account = 0;
  const nextAccount = () => `Account-${++account}`;

  beforeAll(async () => {
    database = await openMigrated(adapter);
    throttle = createLoginThrottle({ sql: database.sql, now: () => clock });
  });
  afterAll(async () => database?.close());

  it('allows 5 failures, then waits 1 s, 2 s, 4 s … capped at 15 minutes', async () => {
    const name = nextAccount();
    for (let i = 0; i < 5; i++) expect(await throttle.begin(name)).toEqual({ allowed: true });
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      const refused = await throttle.begin(name);
      expect(refused.allowed).toBe(false);
      const wait = refused.allowed ? 0 : refused.retryAfterSeconds;
      waits.push(wait);
      clock += wait * 1000;
      expect(await throttle.begin(name)).toEqual({ allowed: true });
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
  });

  it('counts names case-insensitively and keeps accounts apart: guessing at one never slows another', async () => {
    const victim = nextAccount();
    const bystander = nextAccount();
    for (let i = 0; i < 5; i++) await throttle.begin(i % 2 ? victim.toUpperCase() : victim);
    expect((await throttle.begin(victim)).allowed).toBe(false);
    expect(await throttle.begin(bystander)).toEqual({ allowed: true });
  });

  it('a success clears the count; a day without failures forgets it', async () => {
    const name = nextAccount();
    for (let i = 0; i < 4; i++) await throttle.begin(name);
    await throttle.succeeded(name);
    for (let i = 0; i < 5; i++) expect((await throttle.begin(name)).allowed).toBe(true);
    expect((await throttle.begin(name)).allowed).toBe(false);
    clock += 86_401_000;
    for (let i = 0; i < 5; i++) expect((await throttle.begin(name)).allowed).toBe(true);
  });

  it('counts parallel guesses one by one: 50 at once, 5 get through', async () => {
    const name = nextAccount();
    const results = await Promise.all(Array.from({ length: 50 }, () => throttle.begin(name)));
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
  });

  it('stores a hash of the name, never the name', async () => {
    const name = `mallory-${'x'.repeat(200)}`;
    await throttle.begin(name);
    const { rows } = await database.sql.query<{ account_key: string }>('SELECT account_key FROM login_throttle');
    expect(rows.every((row) => /^[A-Za-z0-9_-]{43}$/.test(row.account_key))).toBe(true);
  });
});

describe('login throttle in a running core (POST /v1/auth/token)', () => {
  let core: StartedCore;
  beforeAll(async () => {
    core = await startCore({ EMBEDDER: 'lexical' });
  });
  afterAll(async () => core?.stop());

  const signIn = (username: string, password: string) =>
    core.runtime.app.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

  it('60 wrong passwords, then the right one: 429 login-throttled with Retry-After; other accounts unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await signIn('admin', `wrong-password-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).filter((status) => status === 429).length).toBeGreaterThan(50);
    const right = await signIn('admin', TEST_ADMIN_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get('content-type')).toContain('application/problem+json');
    expect(((await right.json()) as { code: string }).code).toBe('login-throttled');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // An unknown account (and so every other one) is not slowed by guesses at admin.
    expect((await signIn('somebody-else', 'whatever-password')).status).toBe(401);
  });
});
