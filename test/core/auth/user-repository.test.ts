import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ONLY_PASSWORD_HASH_COST, verifyPassword } from '../../../core/auth/password-hash.ts';
import { createUserRepository, type User, type UserRepository, type UserStateChange } from '../../../core/auth/user-repository.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { openMigrated, sqlAdapters, type OpenedDatabase } from '../storage/sql-adapters.ts';

describe.each(sqlAdapters)('user repository on $name', (adapter) => {
  let database: OpenedDatabase;
  let users: UserRepository;
  const told: Array<{ id: string; tokenEpoch: number; change: UserStateChange }> = [];

  beforeAll(async () => {
    database = await openMigrated(adapter);
    users = createUserRepository(database.sql, {
      hashCost: TEST_ONLY_PASSWORD_HASH_COST,
      onTokensEnded: async (user: User, change) => {
        told.push({ id: user.id, tokenEpoch: user.tokenEpoch, change });
      },
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('creates a user and finds it by id and by username in any case', async () => {
    expect(await users.count()).toBe(0);
    const created = await users.create({ username: 'Alice.Smith', password: 'alice-password', role: 'financial_advisor' });
    expect(created).toMatchObject({ username: 'alice.smith', role: 'financial_advisor', disabled: false });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(created)).not.toContain('passwordHash');
    expect(await users.findById(created.id)).toEqual(created);
    expect(await users.findByUsername('ALICE.SMITH')).toEqual(created);
    expect(await users.findByUsername('  alice.smith ')).toEqual(created);
    expect(await users.count()).toBe(1);
  });

  it('returns null for unknown users and ids that are not UUIDs', async () => {
    expect(await users.findByUsername('nobody')).toBeNull();
    expect(await users.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await users.findById('not-a-uuid')).toBeNull();
    expect(await users.findCredentials('nobody')).toBeNull();
  });

  it('refuses a taken username, whatever its case, with a conflict', async () => {
    await users.create({ username: 'bob', password: 'bob-password', role: 'user' });
    const error = await users.create({ username: 'BOB', password: 'other-password', role: 'admin' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', status: 409 });
    expect((error as AppError).message).not.toContain('other-password');
    expect((await users.findByUsername('bob'))?.role).toBe('user');
  });

  it('validates username, role and password', async () => {
    await expect(users.create({ username: 'bad name', password: 'pw', role: 'user' })).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(users.create({ username: '', password: 'pw', role: 'user' })).rejects.toMatchObject({ code: 'validation-failed' });
    // @ts-expect-error an unknown role from an untyped caller
    await expect(users.create({ username: 'carol', password: 'pw', role: 'root' })).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(users.create({ username: 'carol', password: '', role: 'user' })).rejects.toMatchObject({ code: 'validation-failed' });
    expect(await users.findByUsername('carol')).toBeNull();
  });

  it('stores only a hash that verifies the password', async () => {
    await users.create({ username: 'dave', password: 'dave-password', role: 'user' });
    const credentials = await users.findCredentials('Dave');
    expect(credentials?.user.username).toBe('dave');
    expect(credentials?.passwordHash).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(await verifyPassword('dave-password', credentials?.passwordHash ?? '')).toBe(true);
    expect(await verifyPassword('wrong-password', credentials?.passwordHash ?? '')).toBe(false);
  });

  it('disables, changes role and changes password', async () => {
    const erin = await users.create({ username: 'erin', password: 'first-password', role: 'user' });
    const disabled = await users.setDisabled(erin.id, true);
    expect(disabled.disabled).toBe(true);
    expect(disabled.updatedAt.getTime()).toBeGreaterThanOrEqual(erin.updatedAt.getTime());
    expect((await users.setDisabled(erin.id, false)).disabled).toBe(false);
    expect((await users.setRole(erin.id, 'admin')).role).toBe('admin');
    expect((await users.findById(erin.id))?.role).toBe('admin');
    await users.setPassword(erin.id, 'second-password');
    const credentials = await users.findCredentials('erin');
    expect(await verifyPassword('second-password', credentials?.passwordHash ?? '')).toBe(true);
    expect(await verifyPassword('first-password', credentials?.passwordHash ?? '')).toBe(false);
  });

  it('answers not-found when updating an unknown user', async () => {
    await expect(users.setDisabled('00000000-0000-4000-8000-000000000000', true)).rejects.toMatchObject({ code: 'not-found' });
    await expect(users.setRole('nope', 'user')).rejects.toMatchObject({ code: 'not-found' });
    await expect(users.setPassword('00000000-0000-4000-8000-000000000000', 'a-valid-new-password')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('raises the token epoch on every change that must end access tokens, and tells the listener after the row changed', async () => {
    const frank = await users.create({ username: 'frank', password: 'frank-first-password', role: 'user' });
    expect(frank.tokenEpoch).toBe(0);
    told.length = 0;
    expect((await users.setDisabled(frank.id, true)).tokenEpoch).toBe(1);
    expect((await users.setDisabled(frank.id, false)).tokenEpoch).toBe(2);
    expect((await users.setRole(frank.id, 'admin')).tokenEpoch).toBe(3);
    expect((await users.setPassword(frank.id, 'frank-second-password')).tokenEpoch).toBe(4);
    expect(told).toEqual([
      { id: frank.id, tokenEpoch: 1, change: 'disabled' },
      { id: frank.id, tokenEpoch: 2, change: 'enabled' },
      { id: frank.id, tokenEpoch: 3, change: 'role-changed' },
      { id: frank.id, tokenEpoch: 4, change: 'password-reset' },
    ]);
    expect((await users.findById(frank.id))?.tokenEpoch).toBe(4);
  });

  it('refuses weak passwords alike on create and on reset, before touching the row', async () => {
    const grace = await users.create({ username: 'grace', password: 'grace-first-password', role: 'user' });
    const weak = ['short-pw-1', 'aaaaaaaaaaaa', 'abababababab', 'Password1234!', 'qwerty123456', '123456789012', 'abcdefghijklm', 'adminadmin2024', ' '.repeat(12)];
    for (const password of weak) {
      await expect(users.create({ username: 'henry', password, role: 'user' }), password).rejects.toMatchObject({ code: 'validation-failed' });
      await expect(users.setPassword(grace.id, password), password).rejects.toMatchObject({ code: 'validation-failed' });
    }
    expect(await users.findByUsername('henry')).toBeNull();
    expect((await users.findById(grace.id))?.tokenEpoch).toBe(0);
  });

  it('replaces a hash with a stronger one only while the stored hash is the expected one, without raising the epoch', async () => {
    const ivan = await users.create({ username: 'ivan', password: 'ivan-first-password', role: 'user' });
    const before = (await users.findCredentials('ivan'))?.passwordHash ?? '';
    expect(await users.upgradePasswordHash(ivan.id, 'scrypt$not-the-stored-one', 'scrypt$x')).toBe(false);
    expect(await users.upgradePasswordHash(ivan.id, before, `${before}-upgraded`)).toBe(true);
    expect((await users.findCredentials('ivan'))?.passwordHash).toBe(`${before}-upgraded`);
    expect((await users.findById(ivan.id))?.tokenEpoch).toBe(0);
    expect(await users.upgradePasswordHash('not-a-uuid', before, 'x')).toBe(false);
  });
});
