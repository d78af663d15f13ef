import { AppError } from '../../shared/errors/app-error.ts';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const DIGITS = new Map([...ALPHABET].map((character, index) => [character, index]));

/**
 * Decodes Z85 (ZeroMQ RFC 32): every 5 characters are one big-endian 32-bit word. Used by the
 * Delta protocol for deletion-vector UUIDs and inline deletion vectors.
 */
export function decodeZ85(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new AppError('validation-failed', { detail: `Z85 text length ${text.length} is not a multiple of 5` });
  const out = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(out.buffer);
  for (let group = 0; group < text.length / 5; group++) {
    let value = 0;
    for (let index = 0; index < 5; index++) {
      const digit = DIGITS.get(text[group * 5 + index] ?? '');
      if (digit === undefined) throw new AppError('validation-failed', { detail: 'invalid character in Z85 text' });
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new AppError('validation-failed', { detail: 'Z85 group out of range' });
    view.setUint32(group * 4, value, false);
  }
  return out;
}
