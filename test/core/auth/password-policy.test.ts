import { describe, expect, it } from 'vitest';
import { assertPasswordAcceptable, passwordWeakness } from '../../../core/auth/password-policy.ts';
import { parseCoreConfig } from '../../../core/config.ts';

/** Each weak password names one rule; every one must be refused by the policy and by APFA_ADMIN_PASSWORD alike. */
const WEAK = [
  ['short', 'eleven-char'],
  ['one character repeated', 'aaaaaaaaaaaaaaaa'],
  ['too few distinct characters', 'abababababab'],
  ['common word with digits', 'password1234'],
  ['common word with punctuation and case', 'Password!2024'],
  ['common word repeated', 'adminadmin2024'],
  ['keyboard run', 'qwertyuiopas'],
  ['digit run', '123456789012'],
  ['alphabet run', 'abcdefghijkl'],
  ['keyboard pattern', '1q2w3e4r5t6y'],
  ['spaces only', '            '],
  ['too long', 'x'.repeat(200) + 'y'.repeat(57)],
] as const;

const STRONG = ['correct horse battery staple', 'test-admin-password-123', 'change-me-please', 'Tr0ub4dor&3-extra', 'caf\u00e9-au-lait-matin'];

describe('password policy', () => {
  it.each(WEAK)('refuses %s', (_rule, password) => {
    expect(passwordWeakness(password)).not.toBeNull();
    expect(() => assertPasswordAcceptable(password)).toThrow(expect.objectContaining({ code: 'validation-failed', status: 422 }));
    // A blank APFA_ADMIN_PASSWORD means unset (a generated password), like every blank setting.
    if (password.trim() !== '') expect(() => parseCoreConfig({ APFA_ADMIN_PASSWORD: password })).toThrow(/APFA_ADMIN_PASSWORD/);
  });

  it.each(STRONG)('accepts %s', (password) => {
    expect(passwordWeakness(password)).toBeNull();
    expect(parseCoreConfig({ APFA_ADMIN_PASSWORD: password }).APFA_ADMIN_PASSWORD).toBe(password);
  });

  it('never echoes the refused password', () => {
    expect(() => parseCoreConfig({ APFA_ADMIN_PASSWORD: 'password1234' })).toThrow(expect.not.objectContaining({ message: expect.stringContaining('password1234') }));
  });
});
