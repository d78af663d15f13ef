// Worker thread behind sha256HexTransferred (sha256.ts). Plain JavaScript so it runs the same
// under node, tsx and vitest. Protocol: workerData { buffer: ArrayBuffer } (transferred) ->
// posts { hex, buffer } with the buffer transferred back, then exits.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { buffer } = workerData;
const hex = createHash('sha256').update(new Uint8Array(buffer)).digest('hex');
parentPort.postMessage({ hex, buffer }, [buffer]);
