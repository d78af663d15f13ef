const encoder = new TextEncoder();

/** Bytes of a string (UTF-8) or the bytes themselves. */
export const toBytes = (data: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** SHA-256 of a string (UTF-8) or bytes, as lower-case hex (WebCrypto). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', toBytes(data))));
}
