import { crc32 } from 'node:zlib';
import { AppError } from '../../shared/errors/app-error.ts';
import { decodeRoaringTreemap } from './roaring-bitmap.ts';
import { readRequiredFile, type SourceFileReader } from './source-file-reader.ts';
import { decodeZ85 } from './z85.ts';

/** The `deletionVector` of a Delta `add` action (PROTOCOL.md, "Deletion Vectors"). */
export interface DeletionVectorDescriptor {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number | undefined;
  sizeInBytes: number;
  cardinality: number;
}

/** Little-endian magic number in front of a portable 64-bit RoaringBitmap. */
const PORTABLE_MAGIC = 1681511377;
/** The older "native" layout, which this reader does not decode. */
const NATIVE_MAGIC = 1681511376;
/** A UUID in Z85 is 20 characters; anything before it in pathOrInlineDv is a folder prefix. */
const UUID_Z85_CHARS = 20;

const refuse = (detail: string) => new AppError('validation-failed', { detail });

/** Identity of a deletion vector, part of a Delta file action's key: (path, dv id). */
export function deletionVectorId(descriptor: DeletionVectorDescriptor | null | undefined): string {
  if (!descriptor) return '';
  return `${descriptor.storageType}${descriptor.pathOrInlineDv}${descriptor.offset === undefined ? '' : `@${descriptor.offset}`}`;
}

/**
 * The row indexes a deletion vector removes from its data file. Decodes inline ('i') and
 * relative-path ('u') vectors, checking the magic number, the CRC-32 and the cardinality;
 * absolute-path ('p') vectors and anything malformed are refused with AppError
 * 'validation-failed', never skipped (skipping would return deleted rows).
 */
export async function readDeletionVector(files: SourceFileReader, descriptor: DeletionVectorDescriptor, dataFile: string): Promise<Set<number>> {
  const where = `deletion vector of ${dataFile}`;
  let serialized: Uint8Array;
  if (descriptor.storageType === 'i') {
    const decoded = decodeZ85(descriptor.pathOrInlineDv);
    if (decoded.byteLength < descriptor.sizeInBytes) throw refuse(`${where}: inline data shorter than sizeInBytes`);
    serialized = decoded.subarray(0, descriptor.sizeInBytes);
  } else if (descriptor.storageType === 'u') {
    serialized = await readStoredVector(files, descriptor, where);
  } else if (descriptor.storageType === 'p') {
    throw refuse(`${where}: deletion vectors stored at absolute paths (storage type 'p') are not supported`);
  } else {
    throw refuse(`${where}: unknown storage type '${descriptor.storageType}'`);
  }
  if (serialized.byteLength < 4) throw refuse(`${where}: too short`);
  const magic = new DataView(serialized.buffer, serialized.byteOffset, 4).getUint32(0, true);
  if (magic === NATIVE_MAGIC) throw refuse(`${where}: the native RoaringBitmap layout is not supported`);
  if (magic !== PORTABLE_MAGIC) throw refuse(`${where}: bad magic number ${magic}`);
  let rows: number[];
  try {
    rows = decodeRoaringTreemap(serialized.subarray(4));
  } catch (error) {
    throw refuse(`${where}: ${(error as Error).message}`);
  }
  if (rows.length !== descriptor.cardinality) throw refuse(`${where}: holds ${rows.length} rows, the log says ${descriptor.cardinality}`);
  return new Set(rows);
}

/** 'u': `<prefix><z85 uuid>` names `<prefix>/deletion_vector_<uuid>.bin`; at `offset`: u32 BE size, data, u32 BE CRC-32. */
async function readStoredVector(files: SourceFileReader, descriptor: DeletionVectorDescriptor, where: string): Promise<Uint8Array> {
  const encoded = descriptor.pathOrInlineDv;
  if (encoded.length < UUID_Z85_CHARS) throw refuse(`${where}: pathOrInlineDv too short`);
  const prefix = encoded.slice(0, encoded.length - UUID_Z85_CHARS);
  const uuid = formatUuid(decodeZ85(encoded.slice(-UUID_Z85_CHARS)));
  const path = `${prefix === '' ? '' : `${prefix}/`}deletion_vector_${uuid}.bin`;
  const bytes = await readRequiredFile(files, path);
  const offset = descriptor.offset ?? 1;
  if (offset + 4 > bytes.byteLength) throw refuse(`${where}: offset ${offset} past the end of ${path}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(offset, false);
  if (size !== descriptor.sizeInBytes) throw refuse(`${where}: ${path} says ${size} bytes, the log says ${descriptor.sizeInBytes}`);
  if (offset + 4 + size + 4 > bytes.byteLength) throw refuse(`${where}: ${path} is truncated`);
  const data = bytes.subarray(offset + 4, offset + 4 + size);
  if (crc32(data) !== view.getUint32(offset + 4 + size, false)) throw refuse(`${where}: checksum mismatch in ${path}`);
  return data;
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
