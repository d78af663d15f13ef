import { BLOCK_LAYOUT, GgmlType, tensorByteSize } from './gguf-format.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a number, rounded to nearest even (as ggml's GGML_FP32_TO_FP16). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** The number an IEEE 754 binary16 bit pattern stands for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** C's roundf: halves away from zero. */
const roundHalfAway = (value: number): number => Math.sign(value) * Math.round(Math.abs(value));

/**
 * Encodes values in a ggml tensor type, following ggml's reference quantizers
 * (`quantize_row_q8_0_ref`, `quantize_row_q4_0_ref`), into `out` at `offset`; returns the bytes written.
 */
export function encodeValues(type: GgmlType, values: Float32Array, out: Buffer, offset = 0): number {
  const bytes = tensorByteSize(type, values.length);
  if (out.length - offset < bytes) throw new Error('output buffer too small');
  if (type === GgmlType.F32) {
    for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i]!, offset + i * 4);
  } else if (type === GgmlType.F16) {
    for (let i = 0; i < values.length; i++) out.writeUInt16LE(toFloat16Bits(values[i]!), offset + i * 2);
  } else if (type === GgmlType.Q8_0) {
    const { values: per, bytes: blockBytes } = BLOCK_LAYOUT[GgmlType.Q8_0];
    for (let block = 0; block < values.length / per; block++) {
      const base = block * per;
      let amax = 0;
      for (let j = 0; j < per; j++) amax = Math.max(amax, Math.abs(values[base + j]!));
      const d = amax / 127;
      const id = d !== 0 ? 1 / d : 0;
      const at = offset + block * blockBytes;
      out.writeUInt16LE(toFloat16Bits(d), at);
      for (let j = 0; j < per; j++) out.writeInt8(roundHalfAway(Math.fround(values[base + j]! * id)), at + 2 + j);
    }
  } else {
    const { values: per, bytes: blockBytes } = BLOCK_LAYOUT[GgmlType.Q4_0];
    const halfBlock = per / 2;
    for (let block = 0; block < values.length / per; block++) {
      const base = block * per;
      // The value of largest magnitude, sign kept: it maps to -8 exactly.
      let amax = 0;
      let max = 0;
      for (let j = 0; j < per; j++) {
        const value = values[base + j]!;
        if (Math.abs(value) > amax) {
          amax = Math.abs(value);
          max = value;
        }
      }
      const d = max / -8;
      const id = d !== 0 ? 1 / d : 0;
      const at = offset + block * blockBytes;
      out.writeUInt16LE(toFloat16Bits(d), at);
      for (let j = 0; j < halfBlock; j++) {
        // (int8_t)(x + 8.5f) truncates toward zero, then clamps at 15.
        const low = Math.min(15, Math.trunc(Math.fround(values[base + j]! * id) + 8.5));
        const high = Math.min(15, Math.trunc(Math.fround(values[base + halfBlock + j]! * id) + 8.5));
        out.writeUInt8(low | (high << 4), at + 2 + j);
      }
    }
  }
  return bytes;
}

/** Decodes `count` values of a ggml tensor type (as ggml's dequantize_row_*), for tests. */
export function decodeValues(type: GgmlType, data: Buffer, count: number): Float32Array {
  const out = new Float32Array(count);
  if (type === GgmlType.F32) {
    for (let i = 0; i < count; i++) out[i] = data.readFloatLE(i * 4);
  } else if (type === GgmlType.F16) {
    for (let i = 0; i < count; i++) out[i] = fromFloat16Bits(data.readUInt16LE(i * 2));
  } else {
    const { values: per, bytes: blockBytes } = BLOCK_LAYOUT[type];
    for (let block = 0; block < count / per; block++) {
      const at = block * blockBytes;
      const d = fromFloat16Bits(data.readUInt16LE(at));
      for (let j = 0; j < per; j++) {
        if (type === GgmlType.Q8_0) out[block * per + j] = d * data.readInt8(at + 2 + j);
        else {
          const byte = data.readUInt8(at + 2 + (j % (per / 2)));
          out[block * per + j] = d * ((j < per / 2 ? byte & 0x0f : byte >>> 4) - 8);
        }
      }
    }
  }
  return out;
}
