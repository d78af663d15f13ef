import type { JobName, JobPayloads, QueueName } from '../../../shared/contracts/jobs.ts';
import type { SandboxSpec } from './sandbox-spec.ts';

/** Jobs whose processors run in a sandbox process. */
const SANDBOXED_JOBS = ['embed-batch', 'build-index'] as const satisfies readonly JobName[];
export type SandboxedJob = (typeof SANDBOXED_JOBS)[number];

/** The ingest job's lexical fit (a pass over every document) also runs there. */
export interface FitTask {
  documents: ReadonlyArray<{ id: string; title: string; text: string }>;
  previous: { id: string; modelHash: string; state?: unknown } | null;
  changedFraction: number;
}

/** A job to run there, typed by its name. */
export type SandboxJobMessage = {
  [N in SandboxedJob]: { type: 'job'; id: number; name: N; job: { id: string; queue: QueueName; data: JobPayloads[N]; attemptsMade: number } };
}[SandboxedJob];

/** Parent → sandbox. */
export type ToSandbox =
  | { type: 'init'; spec: SandboxSpec }
  | SandboxJobMessage
  | { type: 'fit'; id: number; task: FitTask };

/** A failure as plain data; an AppError keeps its code so permanent failures stay permanent. */
export interface SandboxFailure {
  message: string;
  code?: string | undefined;
  detail?: string | undefined;
}

/** Sandbox → parent. */
export type FromSandbox =
  | { type: 'progress'; id: number; progress: number | Record<string, unknown> }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; error: SandboxFailure };
