// The I/O helper thread behind io-thread.ts, kept for the process's life. Plain JavaScript so it
// runs the same under node, tsx and vitest. Messages are answered one at a time, in order:
//   { id, buffer }          (ArrayBuffer, transferred) -> { id, hex, buffer }: its sha256, the buffer transferred back;
//   { id, path, sha256, check?, pooled? } -> { id, buffer, hex?, checked?, invalid? }: the whole file read into
//                              its own ArrayBuffer (transferred), hashed when sha256 is true;
//                              { id, missing: true } when there is no such file; { id, error:
//                              { message, code } } on any other failure.
//     pooled: true reads into a slot of the shared-buffer pool instead and answers { id, slot,
//     length, created?, createdFrom?, hex?, checked?, invalid? } (no buffer): the smallest free slot
//     that holds the file, else two new SharedArrayBuffers with headroom, the slot and a spare
//     (`created`, sent once; the asking thread keeps them as slots createdFrom, createdFrom + 1).
//     The slot stays taken until a { releaseSlot } message (no answer); a slot the reply marks
//     invalid, or a failed read's, is freed here.
// check { module, name, label, expectSha256 }: when the file's sha256 is expectSha256, the export
// `name` of `module` (a file URL, TypeScript allowed) is called with (bytes, label) here, off the
// event loop of the thread that asked; it throws when the bytes are malformed. The reply then
// says checked: true, or invalid: { code, detail } with what it threw.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';

// Background work: a serving instance's requests come first. On Linux the nice value is a
// thread's own (setpriority on the calling thread), so only this thread yields; elsewhere it
// would renice the whole process, so it is left alone there. Loading a 100k version costs this
// thread ~130 ms of CPU (read, sha256, structure checks) that requests on a busy 2-core machine
// waited behind.
if (process.platform === 'linux') {
  try {
    setPriority(0, 19);
  } catch {
    // Not permitted here: the thread runs at the process's priority.
  }
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
const hexOf = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * The shared-buffer pool: slot i is slots[i] (the asking thread holds the same buffers under the
 * same numbers), taken while its bytes are in use there. A slot is made with a quarter of
 * headroom, rounded up to a MiB, so the next version of a growing file still fits it, and with a
 * spare of the same size beside it: the next version's file is read into the spare while this
 * one serves, so the first swap allocates nothing either (the memory V8 counts grows at the
 * first load, before any swap; a spare's pages are untouched, not resident, until then).
 */
const slots = [];
const taken = new Set();
const MIB = 2 ** 20;
const capacityFor = (size) => Math.max(MIB, Math.ceil((size * 1.25) / MIB) * MIB);

/** The smallest free slot that holds `size` bytes, taken; else a new one and its spare (`created`, from slot `createdFrom`). */
function takeSlot(size) {
  let best = -1;
  for (let i = 0; i < slots.length; i++) {
    if (taken.has(i) || slots[i].byteLength < size) continue;
    if (best === -1 || slots[i].byteLength < slots[best].byteLength) best = i;
  }
  if (best === -1) {
    const createdFrom = slots.length;
    const capacity = capacityFor(size);
    slots.push(new SharedArrayBuffer(capacity), new SharedArrayBuffer(capacity));
    taken.add(createdFrom);
    return { slot: createdFrom, created: slots.slice(createdFrom), createdFrom };
  }
  taken.add(best);
  return { slot: best };
}

/** Frees a slot taken for a read that failed; the ones made for it are dropped (the asking thread never saw them). */
function giveBack(target) {
  taken.delete(target.slot);
  if (target.created) slots.length = target.createdFrom;
}

/**
 * The file's bytes (a file is replaced by rename, never written in place), or null when it is not
 * a file: in a buffer of its size, or at the start of a pool slot (`pooled`; the view says which).
 */
function readWhole(path, pooled) {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return null;
    const target = pooled ? takeSlot(stats.size) : null;
    const bytes = target ? new Uint8Array(slots[target.slot], 0, stats.size) : new Uint8Array(new ArrayBuffer(stats.size));
    let filled;
    try {
      filled = fill(fd, bytes);
    } catch (error) {
      if (target) giveBack(target);
      throw error;
    }
    if (filled === bytes.length) return { bytes, target };
    return { bytes: target ? bytes.subarray(0, filled) : bytes.slice(0, filled), target };
  } finally {
    closeSync(fd);
  }
}

/** Reads the file into `bytes` from its start; the count read (less at an early end of file). */
function fill(fd, bytes) {
  let filled = 0;
  while (filled < bytes.length) {
    const read = readSync(fd, bytes, filled, bytes.length - filled, filled);
    if (read === 0) break;
    filled += read;
  }
  return filled;
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
  if (message.releaseSlot !== undefined) {
    queue = queue.then(() => void taken.delete(message.releaseSlot));
    return;
  }
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
  let read;
  try {
    read = readWhole(message.path, message.pooled === true);
  } catch (error) {
    if (MISSING.has(error?.code)) parentPort.postMessage({ id, missing: true });
    else parentPort.postMessage({ id, error: { message: String(error?.message ?? error), code: error?.code } });
    return;
  }
  if (read === null) {
    parentPort.postMessage({ id, missing: true });
    return;
  }
  const { bytes, target } = read;
  let hashed;
  let checked;
  try {
    hashed = message.sha256 ? { hex: hexOf(bytes) } : {};
    checked = message.sha256 ? await structureCheck(message.check, bytes, hashed.hex) : {};
  } catch (error) {
    if (target) giveBack(target);
    throw error;
  }
  if (target === null) {
    parentPort.postMessage({ id, buffer: bytes.buffer, ...hashed, ...checked }, [bytes.buffer]);
    return;
  }
  // Malformed bytes are refused there: their slot is free again at once.
  if (checked.invalid) taken.delete(target.slot);
  parentPort.postMessage({ id, slot: target.slot, length: bytes.length, ...(target.created ? { created: target.created, createdFrom: target.createdFrom } : {}), ...hashed, ...checked });
}
