// The I/O helper thread behind io-thread.ts, kept for the process's life. Plain JavaScript so it
// runs the same under node, tsx and vitest. Messages are answered one at a time, in order:
//   { id, buffer }          (ArrayBuffer, transferred) -> { id, hex, buffer }: its sha256, the buffer transferred back;
//   { id, path, sha256, check? } -> { id, buffer, hex?, checked?, invalid? }: the whole file read into
//                              its own ArrayBuffer (transferred), hashed when sha256 is true;
//                              { id, missing: true } when there is no such file; { id, error:
//                              { message, code } } on any other failure.
// check { module, name, label, expectSha256 }: when the file's sha256 is expectSha256, the export
// `name` of `module` (a file URL, TypeScript allowed) is called with (bytes, label) here, off the
// event loop of the thread that asked; it throws when the bytes are malformed. The reply then
// says checked: true, or invalid: { code, detail } with what it threw.
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

/** The check modules, loaded on the first check (with tsx's loader registered then, once: ~0.1 s). */
let registered = null;
const checks = new Map();
async function checkFunction(module, name) {
  registered ??= import('tsx/esm/api').then(({ register }) => register());
  await registered;
  if (!checks.has(module)) checks.set(module, import(module));
  const loaded = await checks.get(module);
  if (typeof loaded[name] !== 'function') throw new Error(`${module} exports no function ${name}`);
  return loaded[name];
}

/** Runs a requested structure check on bytes whose sha256 is the expected one: { checked: true } or { invalid }. */
async function structureCheck(check, bytes, hex) {
  if (check === undefined || hex !== check.expectSha256) return {};
  const run = await checkFunction(check.module, check.name);
  try {
    run(bytes, check.label);
    return { checked: true };
  } catch (error) {
    return { invalid: { code: error?.code ?? 'index-corrupt', detail: String(error?.detail ?? error?.message ?? error) } };
  }
}

// One message at a time, in order (each waits for the one before, checks included).
let queue = Promise.resolve();
parentPort.on('message', (message) => {
  queue = queue.then(() => answer(message)).catch((error) => {
    parentPort.postMessage({ id: message.id, error: { message: String(error?.message ?? error), code: error?.code } });
  });
});

async function answer(message) {
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
  if (!message.sha256) {
    parentPort.postMessage({ id, buffer: bytes.buffer }, [bytes.buffer]);
    return;
  }
  const hex = hexOf(bytes);
  const checked = await structureCheck(message.check, bytes, hex);
  parentPort.postMessage({ id, buffer: bytes.buffer, hex, ...checked }, [bytes.buffer]);
}
