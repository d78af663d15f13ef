// The I/O helper thread behind io-thread.ts, kept for the process's life. Plain JavaScript so it
// runs the same under node, tsx and vitest. Messages are answered one at a time, in order:
//   { id, buffer }          (ArrayBuffer, transferred) -> { id, hex, buffer }: its sha256, the buffer transferred back;
//   { id, path, sha256 }    -> { id, buffer, hex? }: the whole file read into its own ArrayBuffer
//                              (transferred), hashed when sha256 is true; { id, missing: true } when
//                              there is no such file; { id, error: { message, code } } on any other failure.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
const hexOf = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The file's bytes in a buffer of its size (a file is replaced by rename, never written in place), or null when it is not a file. */
function readWhole(path) {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return null;
    const buffer = new ArrayBuffer(stats.size);
    const bytes = new Uint8Array(buffer);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return filled === bytes.length ? bytes : bytes.slice(0, filled);
  } finally {
    closeSync(fd);
  }
}

parentPort.on('message', (message) => {
  const { id } = message;
  if (message.path === undefined) {
    const { buffer } = message;
    parentPort.postMessage({ id, hex: hexOf(new Uint8Array(buffer)), buffer }, [buffer]);
    return;
  }
  let bytes;
  try {
    bytes = readWhole(message.path);
  } catch (error) {
    if (MISSING.has(error?.code)) parentPort.postMessage({ id, missing: true });
    else parentPort.postMessage({ id, error: { message: String(error?.message ?? error), code: error?.code } });
    return;
  }
  if (bytes === null) {
    parentPort.postMessage({ id, missing: true });
    return;
  }
  const reply = message.sha256 ? { id, buffer: bytes.buffer, hex: hexOf(bytes) } : { id, buffer: bytes.buffer };
  parentPort.postMessage(reply, [bytes.buffer]);
});
