import { AppError } from '../../shared/errors/app-error.ts';

/** Cookies of the portable RoaringBitmap format (github.com/RoaringBitmap/RoaringFormatSpec). */
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_CONTAINER_MAX = 4096;

const corrupt = (why: string) => new AppError('validation-failed', { detail: `corrupt RoaringBitmap: ${why}` });

/** A little-endian cursor that refuses to read past the end. */
class Cursor {
  offset: number;
  readonly #view: DataView;
  constructor(bytes: Uint8Array, offset = 0) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }
  #need(count: number): void {
    if (this.offset + count > this.#view.byteLength) throw corrupt('truncated');
  }
  u16(): number {
    this.#need(2);
    const value = this.#view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }
  u32(): number {
    this.#need(4);
    const value = this.#view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }
  u64(): number {
    this.#need(8);
    const value = this.#view.getBigUint64(this.offset, true);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('count out of range');
    return Number(value);
  }
  bytes(count: number): Uint8Array {
    this.#need(count);
    const view = new Uint8Array(this.#view.buffer, this.#view.byteOffset + this.offset, count);
    this.offset += count;
    return view;
  }
}

/** Reads one 32-bit portable RoaringBitmap at the cursor; values in ascending order. */
function readRoaring32(cursor: Cursor, high: number, out: number[]): void {
  const cookie = cursor.u32();
  let size: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runFlags = cursor.bytes(Math.ceil(size / 8));
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = cursor.u32();
  } else {
    throw corrupt(`unknown cookie ${cookie}`);
  }
  if (size > 65536) throw corrupt('too many containers');
  const headers: Array<{ key: number; cardinality: number; run: boolean }> = [];
  for (let index = 0; index < size; index++) {
    const key = cursor.u16();
    const cardinality = cursor.u16() + 1;
    const run = runFlags !== undefined && ((runFlags[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
    headers.push({ key, cardinality, run });
  }
  if (runFlags === undefined || size >= NO_OFFSET_THRESHOLD) cursor.bytes(4 * size); // offsets: containers follow in order anyway
  for (const { key, cardinality, run } of headers) {
    const base = high * 2 ** 32 + key * 65536;
    const before = out.length;
    if (run) {
      const runs = cursor.u16();
      for (let index = 0; index < runs; index++) {
        const start = cursor.u16();
        const length = cursor.u16();
        if (start + length > 0xffff) throw corrupt('run past the container');
        for (let value = start; value <= start + length; value++) out.push(base + value);
      }
    } else if (cardinality <= ARRAY_CONTAINER_MAX) {
      for (let index = 0; index < cardinality; index++) out.push(base + cursor.u16());
    } else {
      const words = cursor.bytes(8192);
      for (let byte = 0; byte < 8192; byte++) {
        const bits = words[byte] ?? 0;
        for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) out.push(base + byte * 8 + bit);
      }
    }
    if (out.length - before !== cardinality) throw corrupt(`container ${key} holds ${out.length - before} values, header says ${cardinality}`);
  }
}

/**
 * Decodes the 64-bit "portable" RoaringBitmap layout Delta deletion vectors use (a u64 count of
 * buckets, then per bucket a u32 high key and a 32-bit portable RoaringBitmap). Returns the values
 * in ascending order; throws AppError 'validation-failed' on anything malformed.
 */
export function decodeRoaringTreemap(bytes: Uint8Array): number[] {
  const cursor = new Cursor(bytes);
  const buckets = cursor.u64();
  const values: number[] = [];
  let previousHigh = -1;
  for (let index = 0; index < buckets; index++) {
    const high = cursor.u32();
    if (high <= previousHigh) throw corrupt('bucket keys out of order');
    previousHigh = high;
    readRoaring32(cursor, high, values);
  }
  if (cursor.offset !== bytes.byteLength) throw corrupt(`${bytes.byteLength - cursor.offset} trailing bytes`);
  return values;
}
