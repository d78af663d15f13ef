import { AppError } from '../../shared/errors/app-error.ts';

/**
 * The envelope shared by the stored binary files that carry a small JSON header (`bm25.bin`,
 * `embedder.bin`): an 8-byte ASCII magic, a little-endian u32 header length, the JSON header
 * space-padded to 4 bytes, then the file's own sections as written.
 */
export const PREAMBLE_BYTES = 12;

/** The JSON header in its stored form: UTF-8 text space-padded to a multiple of 4 bytes. */
export function encodeJsonHeader(header: object): Uint8Array {
  const json = JSON.stringify(header);
  return Buffer.from(json.padEnd(Math.ceil(json.length / 4) * 4, ' '), 'latin1');
}

/** Magic, header length, `headerJson` ({@link encodeJsonHeader}) and the sections, one after the other. */
export function joinJsonHeadedFile(magic: string, headerJson: Uint8Array, sections: readonly Uint8Array[]): Uint8Array {
  const output = Buffer.alloc(PREAMBLE_BYTES + headerJson.length + sections.reduce((sum, section) => sum + section.length, 0));
  output.write(magic, 0, 'latin1');
  output.writeUInt32LE(headerJson.length, 8);
  output.set(headerJson, PREAMBLE_BYTES);
  let at = PREAMBLE_BYTES + headerJson.length;
  for (const section of sections) {
    output.set(section, at);
    at += section.length;
  }
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
}

/**
 * Checks the envelope of `bytes` (length, magic, header length) and parses its JSON header;
 * `invalid` is the start of every refusal ("bm25.bin of … is not a valid BM25 postings file").
 * The header's fields are the caller's to check. `bytes` should already be aligned as the caller's
 * typed-array views need.
 */
export function readJsonHeader(bytes: Uint8Array, magic: string, invalid: string): { header: unknown; headerLength: number } {
  const refuse = (why: string) => new AppError('index-corrupt', { detail: `${invalid}: ${why}` });
  if (bytes.length < PREAMBLE_BYTES) throw refuse(`${bytes.length} bytes is shorter than its header`);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.toString('latin1', 0, 8) !== magic) throw refuse(`it does not start with ${magic}`);
  const headerLength = buffer.readUInt32LE(8);
  if (headerLength % 4 !== 0 || PREAMBLE_BYTES + headerLength > buffer.length) throw refuse('its header length is out of range');
  try {
    return { header: JSON.parse(buffer.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)), headerLength };
  } catch (error) {
    throw new AppError('index-corrupt', { detail: `${invalid}: its header is not JSON`, cause: error });
  }
}
