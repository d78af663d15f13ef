import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppError, type ProblemCode } from '../../../shared/errors/app-error.ts';
import type { Logger } from '../../logger.ts';
import type { Processor, ProcessorContext } from '../../ports/job-workers.ts';
import type { EmbedderDescriptor } from '../run-store.ts';
import type { FitTask, FromSandbox, SandboxedJob, SandboxFailure, SandboxJobMessage, ToSandbox } from './sandbox-protocol.ts';
import type { SandboxSpec } from './sandbox-spec.ts';

/** Runs CPU-heavy processors outside this process's event loop. */
export interface ProcessorSandbox {
  readonly kind: string;
  /** A processor that runs `name` in the sandbox, with progress relayed to the job. */
  processor<N extends SandboxedJob>(name: N): Processor<N>;
  /** Fits a build embedder there (the lexical IDF pass over every document); returns its descriptor. */
  fit(task: FitTask): Promise<EmbedderDescriptor>;
  /** Ids of the sandbox processes running now (for operators and tests). */
  pids(): number[];
  /** Without force, waits for the tasks in flight; then stops the processes. */
  close(options?: { force?: boolean }): Promise<void>;
}

export interface ProcessSandboxOptions {
  spec: SandboxSpec;
  /** Processes at most (each runs one task at a time); started on first use, kept while the sandbox lives. Default 2. */
  size?: number;
  logger: Logger;
  /** The entry script; tests inject one. */
  entry?: string;
}

interface Slot {
  child: ChildProcess | null;
  busy: boolean;
}

interface Task {
  message: ToSandbox & { id: number };
  onProgress?: (progress: number | Record<string, unknown>) => Promise<void>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const defaultEntry = fileURLToPath(new URL('./sandbox-entry.mjs', import.meta.url));

/**
 * BullMQ-style sandboxed processors for both runners: a small pool of child processes (tsx
 * registered in each) that run embed-batch, build-index and the lexical fit with their own
 * object store and embedder, rebuilt from a spec. Separate processes rather than threads because
 * faiss-node keeps process-wide static state that a second thread loading it would overwrite.
 * A process that dies fails its task with a retryable error and is replaced on the next task.
 */
export function createProcessSandbox(options: ProcessSandboxOptions): ProcessorSandbox {
  const size = Math.max(1, options.size ?? 2);
  const slots: Slot[] = Array.from({ length: size }, () => ({ child: null, busy: false }));
  const waiting: Task[] = [];
  const running = new Map<number, { task: Task; slot: Slot; child: ChildProcess }>();
  let nextId = 1;
  let closed = false;

  const spawn = (slot: Slot): ChildProcess => {
    const child = fork(options.entry ?? defaultEntry, [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: FromSandbox) => receive(message));
    child.on('error', (error) => options.logger.error({ err: error }, 'job sandbox process error'));
    child.on('exit', (code, signal) => {
      if (slot.child === child) slot.child = null;
      for (const [id, entry] of running) {
        if (entry.child !== child) continue;
        running.delete(id);
        slot.busy = false;
        entry.task.reject(new AppError('internal', { detail: `the job sandbox process exited (${signal ?? `code ${code}`}) while working` }));
      }
      if (!closed) options.logger.warn({ code, signal }, 'job sandbox process exited');
      pump();
    });
    child.send({ type: 'init', spec: options.spec } satisfies ToSandbox);
    return child;
  };

  const receive = (message: FromSandbox) => {
    const entry = running.get(message.id);
    if (!entry) return;
    if (message.type === 'progress') {
      void entry.task.onProgress?.(message.progress).catch((error: unknown) => options.logger.warn({ err: error }, 'could not report job progress'));
      return;
    }
    running.delete(message.id);
    entry.slot.busy = false;
    idle(entry.slot);
    if (message.type === 'done') entry.task.resolve(message.result);
    else entry.task.reject(rebuildError(message.error));
    pump();
  };

  /** An idle process does not keep the parent alive. */
  const idle = (slot: Slot) => {
    slot.child?.unref();
    (slot.child?.channel as { unref?: () => void } | undefined)?.unref?.();
  };
  const busy = (child: ChildProcess) => {
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
  };

  const pump = () => {
    while (waiting.length > 0 && !closed) {
      const slot = slots.find((candidate) => !candidate.busy);
      if (!slot) return;
      const task = waiting.shift()!;
      slot.busy = true;
      const child = slot.child ?? (slot.child = spawn(slot));
      busy(child);
      running.set(task.message.id, { task, slot, child });
      child.send(task.message, (error) => {
        if (!error || !running.has(task.message.id)) return;
        running.delete(task.message.id);
        slot.busy = false;
        task.reject(new AppError('internal', { detail: 'could not send a task to the job sandbox', cause: error }));
        pump();
      });
    }
  };

  const inFlight = new Set<Promise<unknown>>();
  const submit = (message: ToSandbox & { id: number }, onProgress?: Task['onProgress']): Promise<unknown> => {
    const done = new Promise<unknown>((resolve, reject) => {
      if (closed) return reject(new AppError('internal', { detail: 'the job sandbox is closed' }));
      waiting.push({ message, ...(onProgress ? { onProgress } : {}), resolve, reject });
      pump();
    });
    inFlight.add(done);
    const forget = () => inFlight.delete(done);
    done.then(forget, forget);
    return done;
  };

  return {
    kind: `process x${size}`,
    processor: <N extends SandboxedJob>(name: N) => (context: ProcessorContext<N>) =>
      submit(
        { type: 'job', id: nextId++, name, job: { id: context.id, queue: context.queue, data: context.data, attemptsMade: context.attemptsMade } } as SandboxJobMessage,
        (progress) => context.progress(progress),
      ),
    pids: () => slots.flatMap((slot) => (slot.child?.pid === undefined ? [] : [slot.child.pid])),
    fit: async (task) => (await submit({ type: 'fit', id: nextId++, task })) as EmbedderDescriptor,
    async close(closeOptions = {}) {
      if (!closeOptions.force) await Promise.allSettled(inFlight);
      closed = true;
      for (const task of waiting.splice(0)) task.reject(new AppError('internal', { detail: 'the job sandbox closed' }));
      await Promise.all(
        slots.map(async (slot) => {
          const child = slot.child;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          // An idle child is unref'd; ref it so this process waits for its exit.
          child.ref();
          child.kill('SIGTERM');
          await exited;
        }),
      );
    },
  };
}

function rebuildError(failure: SandboxFailure): Error {
  if (failure.code) return new AppError(failure.code as ProblemCode, { detail: failure.detail ?? failure.message });
  return new Error(failure.message);
}
