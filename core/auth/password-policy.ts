import { AppError } from '../../shared/errors/app-error.ts';

/** Shortest password core accepts: for users (create, reset) and for APFA_ADMIN_PASSWORD alike. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest: bounds the scrypt input and the request body. */
export const MAX_PASSWORD_LENGTH = 256;
/** Fewer distinct characters than this is a pattern, not a password (`aaaaaaaaaaaa`, `abababababab`). */
const MIN_DISTINCT_CHARACTERS = 5;

/**
 * Words at the top of every leaked-password list, our own short list (no download). A password
 * is refused when what is left of it after removing digits, spaces and punctuation is one of
 * these, or one of them repeated: `Password1234!`, `qwerty123456`, `adminadmin2024`.
 */
const COMMON_WORDS = new Set([
  'password', 'passw', 'passwd', 'pass', 'qwerty', 'qwertyuiop', 'asdf', 'asdfgh', 'asdfghjkl', 'zxcvbnm', 'letmein',
  'welcome', 'admin', 'administrator', 'root', 'changeme', 'change', 'default', 'secret', 'iloveyou', 'monkey', 'dragon',
  'master', 'login', 'football', 'baseball', 'soccer', 'sunshine', 'princess', 'shadow', 'superman', 'trustno', 'abc',
  'abcdef', 'qazwsx', 'test', 'testing', 'guest', 'user', 'hello', 'freedom', 'whatever', 'starwars', 'apfa', 'loan',
  'mortgage',
]);

/** Runs that are typed, not chosen: `123456789012`, `abcdefghijkl`, `1q2w3e4r5t6y`. */
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz',
  '01234567890123456789012345678901234567890',
  '98765432109876543210987654321098765432109',
  'zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihgfedcba',
  'qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  '1q2w3e4r5t6y7u8i9o0p1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0',
];

const isRepetitionOfCommonWord = (letters: string): boolean => {
  for (const word of COMMON_WORDS) {
    if (letters.length % word.length === 0 && word.repeat(letters.length / word.length) === letters) return true;
  }
  return false;
};

/**
 * Why a password is too weak to store, or null when it is acceptable: shorter than 12 characters
 * (code points, after NFC), longer than 256, fewer than 5 distinct characters, a keyboard or
 * alphabet run, or a common word padded with digits and punctuation. One rule for every way a
 * password is set (create, reset, the first admin's APFA_ADMIN_PASSWORD).
 */
export function passwordWeakness(password: string): string | null {
  const normalized = password.normalize('NFC');
  const length = [...normalized].length;
  if (length < MIN_PASSWORD_LENGTH) return `Passwords must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (length > MAX_PASSWORD_LENGTH) return `Passwords must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  const lower = normalized.toLowerCase();
  if (new Set(lower).size < MIN_DISTINCT_CHARACTERS) return 'This password repeats too few characters; choose a longer passphrase.';
  if (SEQUENCES.some((sequence) => sequence.includes(lower))) return 'This password is a keyboard or alphabet sequence.';
  const letters = lower.replace(/[^\p{L}]/gu, '');
  if (letters.length > 0 && isRepetitionOfCommonWord(letters)) return 'This password is too common; choose a longer passphrase.';
  return null;
}

/** Throws AppError 'validation-failed' (422) naming the rule a password breaks. */
export function assertPasswordAcceptable(password: string): void {
  const weakness = passwordWeakness(password);
  if (weakness !== null) throw new AppError('validation-failed', { detail: weakness });
}
