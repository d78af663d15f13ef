import { AppError } from '../../shared/errors/app-error.ts';
import { readFlatIpHeader } from './faiss-flat-bytes.ts';
import { IVF_FLAT_MAGIC, IVF_SCALAR_QUANTIZER_MAGIC, readIvfHeader } from './faiss-ivf-bytes.ts';

/** What serialised index bytes hold, read from their header without loading them. */
export interface IndexDescription {
  /** 'Flat', 'IVF1024,Flat' or 'IVF1024,SQ8' (the `kind` the loaded VectorIndex reports). */
  kind: string;
  /** The FAISS fourcc: 'IxFI', 'IwFl' or 'IwSq'. */
  magic: string;
  dimension: number;
  count: number;
}

/**
 * Reads the fourcc and header of FAISS index bytes. Throws AppError 'index-mismatch' for index
 * types this project does not build, 'validation-failed' for truncated bytes.
 */
export function describeIndexBytes(bytes: Uint8Array): IndexDescription {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic === IVF_FLAT_MAGIC || magic === IVF_SCALAR_QUANTIZER_MAGIC) {
    const header = readIvfHeader(bytes);
    const encoding = magic === IVF_FLAT_MAGIC ? 'Flat' : 'SQ8';
    return { kind: `IVF${header.nlist},${encoding}`, magic, dimension: header.dimension, count: header.count };
  }
  if (magic === 'IxFI') {
    const header = readFlatIpHeader(bytes);
    return { kind: 'Flat', magic, dimension: header.dimension, count: header.count };
  }
  throw new AppError('index-mismatch', { detail: `unsupported FAISS index type "${magic}"` });
}
