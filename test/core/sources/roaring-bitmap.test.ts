import { describe, expect, it } from 'vitest';
import { decodeRoaringTreemap } from '../../../core/sources/roaring-bitmap.ts';
import { decodeZ85 } from '../../../core/sources/z85.ts';

/** Little-endian byte builder. */
class Bytes {
  readonly parts: number[] = [];
  u16(value: number) {
    this.parts.push(value & 0xff, (value >>> 8) & 0xff);
    return this;
  }
  u32(value: number) {
    this.u16(value & 0xffff).u16(value >>> 16);
    return this;
  }
  u64(value: number) {
    return this.u32(value).u32(0);
  }
  raw(bytes: Iterable<number>) {
    this.parts.push(...bytes);
    return this;
  }
  done() {
    return Uint8Array.from(this.parts);
  }
}

describe('decodeZ85', () => {
  it('decodes the ZeroMQ RFC 32 test vector', () => {
    expect([...decodeZ85('HelloWorld')]).toEqual([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  });
  it('decodes the UUID of the delta-rs deletion vector', () => {
    expect(Buffer.from(decodeZ85('vBn[lx{q8@P<9BNH/isA')).toString('hex')).toBe('61d16c75699446b7a15b8b538852e50e');
  });
  it('refuses bad lengths and characters', () => {
    expect(() => decodeZ85('abcd')).toThrow(/multiple of 5/);
    expect(() => decodeZ85('abc"e')).toThrow(/invalid character/);
  });
});

describe('decodeRoaringTreemap (portable 64-bit layout)', () => {
  it('decodes array, run and bitmap containers across two high keys', () => {
    const bitmap = new Uint8Array(8192);
    for (let bit = 0; bit < 5000; bit++) bitmap[bit >> 3]! |= 1 << (bit & 7);
    const bytes = new Bytes()
      .u64(2)
      // high 0: run-capable cookie, 2 containers (array for key 0, run for key 3)
      .u32(0)
      .u32(12347 | ((2 - 1) << 16))
      .raw([0b10]) // container 1 is a run container
      .u16(0).u16(3 - 1)
      .u16(3).u16(6 - 1)
      .u16(1).u16(7).u16(65535) // array: 1, 7, 65535
      .u16(1).u16(10).u16(5) // one run: 10..15
      // high 1: no-run cookie, 1 bitmap container for key 1 with 5,000 values
      .u32(1)
      .u32(12346)
      .u32(1)
      .u16(1).u16(5000 - 1)
      .u32(0) // offset header
      .raw(bitmap)
      .done();
    const values = decodeRoaringTreemap(bytes);
    const key3 = 3 * 65536;
    const high1 = 2 ** 32 + 65536;
    expect(values.slice(0, 9)).toEqual([1, 7, 65535, key3 + 10, key3 + 11, key3 + 12, key3 + 13, key3 + 14, key3 + 15]);
    expect(values.length).toBe(9 + 5000);
    expect(values[9]).toBe(high1);
    expect(values.at(-1)).toBe(high1 + 4999);
  });

  it('refuses truncated data, a wrong cardinality, an unknown cookie and trailing bytes', () => {
    const valid = new Bytes().u64(1).u32(0).u32(12346).u32(1).u16(0).u16(1).u32(16).u16(0).u16(9);
    expect(decodeRoaringTreemap(valid.done())).toEqual([0, 9]);
    expect(() => decodeRoaringTreemap(valid.done().subarray(0, 20))).toThrow(/truncated/);
    expect(() => decodeRoaringTreemap(new Bytes().u64(1).u32(0).u32(99).done())).toThrow(/unknown cookie/);
    expect(() => decodeRoaringTreemap(new Bytes().raw(valid.done()).u16(0).done())).toThrow(/trailing/);
    const wrongRuns = new Bytes().u64(1).u32(0).u32(12347).raw([1]).u16(0).u16(2 - 1).u16(1).u16(0).u16(4).done();
    expect(() => decodeRoaringTreemap(wrongRuns)).toThrow(/holds 5 values, header says 2/);
  });
});
