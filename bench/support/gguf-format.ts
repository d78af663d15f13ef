/**
 * Constants of the GGUF v3 file format (llama.cpp's `gguf.h` / ggml's `ggml.h`) shared by the
 * small reader and writer used to make random-weight benchmark models.
 *
 * Layout: magic "GGUF", version (u32), tensor count (u64), KV count (u64), KV pairs
 * (key string, value type u32, value), tensor infos (name, n_dims u32, dims u64[], ggml type u32,
 * data offset u64 relative to the data section), padding to `general.alignment` (default 32),
 * then the tensor data, each tensor starting at an aligned offset. Strings are a u64 byte length
 * and UTF-8 bytes; everything is little-endian.
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Types of metadata values. */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufValueType = (typeof GgufValueType)[keyof typeof GgufValueType];

/** A scalar metadata value, tagged with its GGUF type so it is written back exactly as read. */
export type GgufScalar =
  | { type: typeof GgufValueType.UINT8 | typeof GgufValueType.INT8 | typeof GgufValueType.UINT16 | typeof GgufValueType.INT16; value: number }
  | { type: typeof GgufValueType.UINT32 | typeof GgufValueType.INT32 | typeof GgufValueType.FLOAT32 | typeof GgufValueType.FLOAT64; value: number }
  | { type: typeof GgufValueType.UINT64 | typeof GgufValueType.INT64; value: bigint }
  | { type: typeof GgufValueType.BOOL; value: boolean }
  | { type: typeof GgufValueType.STRING; value: string };

/** A metadata value: a scalar or a homogeneous array of scalars of one type. */
export type GgufValue = GgufScalar | { type: typeof GgufValueType.ARRAY; itemType: Exclude<GgufValueType, typeof GgufValueType.ARRAY>; items: Array<GgufScalar['value']> };

/** ggml tensor types this code can write. */
export const GgmlType = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q8_0: 8,
} as const;
export type GgmlType = (typeof GgmlType)[keyof typeof GgmlType];

/** `general.file_type` (llama_ftype) for a model whose matrices are all of one type. */
export const FILE_TYPE_OF: Record<GgmlType, number> = {
  [GgmlType.F32]: 0, // LLAMA_FTYPE_ALL_F32
  [GgmlType.F16]: 1, // LLAMA_FTYPE_MOSTLY_F16
  [GgmlType.Q4_0]: 2, // LLAMA_FTYPE_MOSTLY_Q4_0
  [GgmlType.Q8_0]: 7, // LLAMA_FTYPE_MOSTLY_Q8_0
};

/** Values per block and bytes per block of each type (F32/F16: one value per "block"). */
export const BLOCK_LAYOUT: Record<GgmlType, { values: number; bytes: number }> = {
  [GgmlType.F32]: { values: 1, bytes: 4 },
  [GgmlType.F16]: { values: 1, bytes: 2 },
  // block_q4_0: fp16 scale d, then 16 bytes of 4-bit quants (value j in the low nibble of byte j, value j+16 in the high nibble).
  [GgmlType.Q4_0]: { values: 32, bytes: 2 + 16 },
  // block_q8_0: fp16 scale d, then 32 int8 quants.
  [GgmlType.Q8_0]: { values: 32, bytes: 2 + 32 },
};

export const GGML_TYPE_NAMES: Record<GgmlType, string> = { [GgmlType.F32]: 'F32', [GgmlType.F16]: 'F16', [GgmlType.Q4_0]: 'Q4_0', [GgmlType.Q8_0]: 'Q8_0' };

/** Bytes of a tensor's data, before alignment padding. */
export function tensorByteSize(type: GgmlType, elements: number): number {
  const layout = BLOCK_LAYOUT[type];
  if (elements % layout.values !== 0) throw new Error(`${GGML_TYPE_NAMES[type]} needs a multiple of ${layout.values} values, got ${elements}`);
  return (elements / layout.values) * layout.bytes;
}

export const alignUp = (offset: number, alignment: number): number => Math.ceil(offset / alignment) * alignment;
