import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../core/auth/password-hash.ts';
import { createUserRepository, type UserRepository } from '../../../core/auth/user-repository.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { openMigrated, sqlAdapters, type OpenedDatabase } from '../storage/sql-adapters.ts';

describe.each(sqlAdapters)('user repository on $name', (adapter) => {
  let database: OpenedDatabase;
  let users: UserRepository;

  beforeAll(async () => {
    database = await openMigrated(adapter);
    users = createUserRepository(database.sql);
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
    expect(credentials?.passwordHash).toMatch(/^scrypt\$15\$8\$1\$/);
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
    await expect(users.setPassword('00000000-0000-4000-8000-000000000000', 'password')).rejects.toMatchObject({ code: 'not-found' });
  });
});
