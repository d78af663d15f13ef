import { closeSync, openSync, readSync } from 'node:fs';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType, alignUp, type GgufScalar, type GgufValue } from './gguf-format.ts';

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the contiguous (row) dimension. */
  dims: number[];
  type: number;
  /** Offset of the data relative to the data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  /** Metadata in file order. */
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset where tensor data starts. */
  dataOffset: number;
}

/** Reads a file front to back in chunks, so a large model's header is read without loading its weights. */
class FileCursor {
  #buffer = Buffer.alloc(0);
  #at = 0;
  #fileOffset = 0;

  constructor(private readonly fd: number) {}

  /** Absolute position of the next byte to read. */
  get position(): number {
    return this.#fileOffset - (this.#buffer.length - this.#at);
  }

  #ensure(bytes: number): void {
    if (this.#buffer.length - this.#at >= bytes) return;
    const rest = this.#buffer.subarray(this.#at);
    const chunk = Buffer.alloc(Math.max(bytes - rest.length, 1 << 20));
    const read = readSync(this.fd, chunk, 0, chunk.length, this.#fileOffset);
    this.#fileOffset += read;
    this.#buffer = Buffer.concat([rest, chunk.subarray(0, read)]);
    this.#at = 0;
    if (this.#buffer.length < bytes) throw new Error('unexpected end of GGUF file');
  }

  take(bytes: number): Buffer {
    this.#ensure(bytes);
    const out = this.#buffer.subarray(this.#at, this.#at + bytes);
    this.#at += bytes;
    return out;
  }

  u32 = () => this.take(4).readUInt32LE(0);
  u64 = () => this.take(8).readBigUInt64LE(0);
  /** A u64 that must fit a JS number (counts, lengths, dims, offsets). */
  size = () => {
    const value = this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`GGUF size ${value} is too large`);
    return Number(value);
  };
  string = () => this.take(this.size()).toString('utf8');
}

function readScalar(cursor: FileCursor, type: number): GgufScalar {
  switch (type) {
    case GgufValueType.UINT8:
      return { type, value: cursor.take(1).readUInt8(0) };
    case GgufValueType.INT8:
      return { type, value: cursor.take(1).readInt8(0) };
    case GgufValueType.UINT16:
      return { type, value: cursor.take(2).readUInt16LE(0) };
    case GgufValueType.INT16:
      return { type, value: cursor.take(2).readInt16LE(0) };
    case GgufValueType.UINT32:
      return { type, value: cursor.take(4).readUInt32LE(0) };
    case GgufValueType.INT32:
      return { type, value: cursor.take(4).readInt32LE(0) };
    case GgufValueType.FLOAT32:
      return { type, value: cursor.take(4).readFloatLE(0) };
    case GgufValueType.FLOAT64:
      return { type, value: cursor.take(8).readDoubleLE(0) };
    case GgufValueType.UINT64:
      return { type, value: cursor.take(8).readBigUInt64LE(0) };
    case GgufValueType.INT64:
      return { type, value: cursor.take(8).readBigInt64LE(0) };
    case GgufValueType.BOOL:
      return { type, value: cursor.take(1).readUInt8(0) !== 0 };
    case GgufValueType.STRING:
      return { type, value: cursor.string() };
    default:
      throw new Error(`unknown GGUF value type ${type}`);
  }
}

function readValue(cursor: FileCursor, type: number): GgufValue {
  if (type !== GgufValueType.ARRAY) return readScalar(cursor, type);
  const itemType = cursor.u32();
  if (itemType === GgufValueType.ARRAY) throw new Error('nested GGUF arrays are not supported');
  const count = cursor.size();
  const items: Array<GgufScalar['value']> = new Array(count);
  for (let i = 0; i < count; i++) items[i] = readScalar(cursor, itemType).value;
  return { type: GgufValueType.ARRAY, itemType: itemType as Exclude<GgufValueType, typeof GgufValueType.ARRAY>, items };
}

/** Reads a GGUF (v2 or v3) file's metadata and tensor infos; tensor data is not read. */
export function readGgufHeader(path: string): GgufHeader {
  const fd = openSync(path, 'r');
  try {
    const cursor = new FileCursor(fd);
    if (cursor.u32() !== GGUF_MAGIC) throw new Error(`${path} is not a GGUF file`);
    const version = cursor.u32();
    if (version !== 2 && version !== 3) throw new Error(`GGUF version ${version} is not supported`);
    const tensorCount = cursor.size();
    const kvCount = cursor.size();
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = cursor.string();
      metadata.set(key, readValue(cursor, cursor.u32()));
    }
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = cursor.string();
      const nDims = cursor.u32();
      const dims = Array.from({ length: nDims }, () => cursor.size());
      tensors.push({ name, dims, type: cursor.u32(), offset: cursor.size() });
    }
    const alignmentValue = metadata.get('general.alignment');
    const alignment = alignmentValue && alignmentValue.type === GgufValueType.UINT32 ? alignmentValue.value : GGUF_DEFAULT_ALIGNMENT;
    return { version, metadata, tensors, alignment, dataOffset: alignUp(cursor.position, alignment) };
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes of a tensor's data (for tests that check what was written). */
export function readTensorBytes(path: string, header: GgufHeader, tensor: GgufTensorInfo, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.alloc(length);
    const read = readSync(fd, out, 0, length, header.dataOffset + tensor.offset);
    if (read !== length) throw new Error(`short read of tensor ${tensor.name}`);
    return out;
  } finally {
    closeSync(fd);
  }
}
