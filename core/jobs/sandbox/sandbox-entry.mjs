// Entry of a job sandbox process (forked by process-sandbox.ts). Plain JavaScript so it starts
// the same under node, tsx and vitest: it registers tsx's loader, then loads the TypeScript side.
import { register } from 'tsx/esm/api';

if (typeof process.send !== 'function') throw new Error('sandbox-entry.mjs must be started with an IPC channel (child_process.fork)');
register();
await import('./sandbox-main.ts');
