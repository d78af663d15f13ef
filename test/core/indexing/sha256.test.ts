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

  it('hashes several large buffers at once on the kept thread, each answered with its own bytes', async () => {
    const buffers = [1, 2, 3].map((seed) => new Uint8Array(4 * 2 ** 20 + seed).map((_, i) => (i * seed) & 0xff));
    const expected = buffers.map((bytes) => ({ hex: createHash('sha256').update(bytes).digest('hex'), copy: bytes.slice() }));
    const results = await Promise.all(buffers.map((bytes) => sha256HexTransferred(bytes)));
    results.forEach((result, i) => {
      expect(result.hex).toBe(expected[i]!.hex);
      expect(Buffer.compare(result.bytes, expected[i]!.copy)).toBe(0);
    });
    // The thread stays for the next load.
    const again = new Uint8Array(5 * 2 ** 20).fill(9);
    expect((await sha256HexTransferred(again.slice())).hex).toBe(createHash('sha256').update(again).digest('hex'));
  });

  it('hashes small buffers and partial views in place', async () => {
    const backing = new Uint8Array(64).fill(7);
    const view = backing.subarray(8, 40);
    const result = await sha256HexTransferred(view);
    expect(result.hex).toBe(createHash('sha256').update(view).digest('hex'));
    expect(result.bytes).toBe(view);
  });
});
