import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin } from '../../../core/auth/bootstrap-admin.ts';
import { TEST_ONLY_PASSWORD_HASH_COST, verifyPassword } from '../../../core/auth/password-hash.ts';
import { createUserRepository, type UserRepository } from '../../../core/auth/user-repository.ts';
import { openMigrated, sqlAdapters, type OpenedDatabase } from '../storage/sql-adapters.ts';

describe.each(sqlAdapters)('bootstrap admin on $name', (adapter) => {
  let database: OpenedDatabase;
  let users: UserRepository;

  beforeAll(async () => {
    database = await openMigrated(adapter);
    users = createUserRepository(database.sql, { hashCost: TEST_ONLY_PASSWORD_HASH_COST });
  });
  beforeEach(async () => {
    await database.sql.query('DELETE FROM users');
  });
  afterAll(async () => {
    await database?.close();
  });

  const adminPasswordMatches = async (password: string) => verifyPassword(password, (await users.findCredentials('admin'))?.passwordHash ?? '');

  it('creates admin as super_admin with the given password, exactly once', async () => {
    expect(await ensureBootstrapAdmin({ users, password: 'given-password-1' })).toEqual({ created: true });
    const admin = await users.findByUsername('admin');
    expect(admin?.role).toBe('super_admin');
    expect(await adminPasswordMatches('given-password-1')).toBe(true);
    expect(await ensureBootstrapAdmin({ users, password: 'given-password-1' })).toEqual({ created: false });
    expect(await users.count()).toBe(1);
  });

  it('reports a given password that differs from the existing admin password, and leaves the stored one', async () => {
    await ensureBootstrapAdmin({ users, password: 'given-password-1' });
    expect(await ensureBootstrapAdmin({ users, password: 'another-password' })).toEqual({ created: false, passwordIgnored: true });
    expect(await adminPasswordMatches('given-password-1')).toBe(true);
    expect(await adminPasswordMatches('another-password')).toBe(false);
  });

  it('generates a 24-character password and returns it once', async () => {
    const result = await ensureBootstrapAdmin({ users });
    expect(result.created).toBe(true);
    expect(result.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await adminPasswordMatches(result.generatedPassword ?? '')).toBe(true);
    expect(await ensureBootstrapAdmin({ users })).toEqual({ created: false });
  });

  it('uses an injected generator', async () => {
    expect(await ensureBootstrapAdmin({ users, generate: () => 'generated-by-test' })).toEqual({ created: true, generatedPassword: 'generated-by-test' });
    expect(await adminPasswordMatches('generated-by-test')).toBe(true);
  });

  it('creates nothing when other users exist', async () => {
    await users.create({ username: 'someone', password: 'someone-else-password-42', role: 'user' });
    expect(await ensureBootstrapAdmin({ users, password: 'given-password-1' })).toEqual({ created: false, passwordIgnored: true });
    expect(await ensureBootstrapAdmin({ users })).toEqual({ created: false });
    expect(await users.findByUsername('admin')).toBeNull();
  });

  it('creates one admin when two instances start at once', async () => {
    const other = createUserRepository(await database.openAnother(), { hashCost: TEST_ONLY_PASSWORD_HASH_COST });
    const results = await Promise.all([
      ensureBootstrapAdmin({ users, password: 'first-instance' }),
      ensureBootstrapAdmin({ users: other, password: 'second-instance' }),
    ]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await users.count()).toBe(1);
    const winner = results[0]?.created ? 'first-instance' : 'second-instance';
    expect(await adminPasswordMatches(winner)).toBe(true);
  });
});
