import faiss from 'faiss-node';
import { describe, expect, it } from 'vitest';
import { readFlatIpHeader, writeFlatIpBytes } from '../../../core/index/faiss-flat-bytes.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

describe('writeFlatIpBytes', () => {
  it('produces the same bytes as FAISS IndexFlatIP.toBuffer()', () => {
    const dimension = 5;
    const values = Array.from({ length: 3 * dimension }, (_, i) => Math.sin(i + 1));
    const reference = new faiss.IndexFlatIP(dimension);
    reference.add(values);
    const expected = new Uint8Array(reference.toBuffer());
    expect(writeFlatIpBytes(Float32Array.from(values), dimension)).toEqual(expected);
  });

  it('matches FAISS for an empty index too', () => {
    const expected = new Uint8Array(new faiss.IndexFlatIP(7).toBuffer());
    expect(writeFlatIpBytes(new Float32Array(0), 7)).toEqual(expected);
  });

  it('reads its header back and works from a view with a byte offset', () => {
    const backing = new Float32Array(1 + 2 * 4).fill(0.5);
    const bytes = writeFlatIpBytes(backing.subarray(1), 4);
    expect(readFlatIpHeader(bytes)).toEqual({ dimension: 4, count: 2, payloadOffset: 45 });
  });

  it('rejects a data length that is not a multiple of the dimension', () => {
    expect(() => writeFlatIpBytes(new Float32Array(5), 2)).toThrow(AppError);
  });

  it('refuses other index types, other metrics and truncated bytes', () => {
    const l2 = new Uint8Array(new faiss.IndexFlatL2(4).toBuffer());
    expect(() => readFlatIpHeader(l2)).toThrow(/IndexFlatIP/);
    const wrongMetric = writeFlatIpBytes(new Float32Array(4), 4);
    wrongMetric[33] = 1;
    expect(() => readFlatIpHeader(wrongMetric)).toThrow(/metric/);
    const full = writeFlatIpBytes(new Float32Array(8), 4);
    expect(() => readFlatIpHeader(full.subarray(0, full.length - 4))).toThrow(/inconsistent/);
  });
});
