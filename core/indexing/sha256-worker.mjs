// The hashing thread behind sha256HexTransferred (sha256.ts), kept for the process's life. Plain
// JavaScript so it runs the same under node, tsx and vitest. Protocol: each message
// { id, buffer: ArrayBuffer } (transferred) is answered { id, hex, buffer } with the buffer
// transferred back, in the order received.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, buffer }) => {
  const hex = createHash('sha256').update(new Uint8Array(buffer)).digest('hex');
  parentPort.postMessage({ id, hex, buffer }, [buffer]);
});
