import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256HexTransferred } from '../../../core/indexing/sha256.ts';

describe('sha256HexTransferred', () => {
  it('hashes a large buffer on a worker thread and hands the same bytes back', async () => {
    const bytes = new Uint8Array(5 * 2 ** 20).map((_, i) => (i * 31) & 0xff);
    const expected = createHash('sha256').update(bytes).digest('hex');
    const copy = bytes.slice();
    const result = await sha256HexTransferred(bytes);
    expect(result.hex).toBe(expected);
    expect(bytes.byteLength).toBe(0); // transferred, not copied
    expect(Buffer.compare(result.bytes, copy)).toBe(0);
  });

  it('hashes small buffers and partial views in place', async () => {
    const backing = new Uint8Array(64).fill(7);
    const view = backing.subarray(8, 40);
    const result = await sha256HexTransferred(view);
    expect(result.hex).toBe(createHash('sha256').update(view).digest('hex'));
    expect(result.bytes).toBe(view);
  });
});
