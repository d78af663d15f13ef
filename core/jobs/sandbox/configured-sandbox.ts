import type { Logger } from '../../logger.ts';
import { createProcessSandbox, type ProcessorSandbox } from './process-sandbox.ts';
import { sandboxSpecFromConfig, type SandboxConfigSource } from './sandbox-spec.ts';

/**
 * The sandbox JOB_SANDBOX asks for: 'process' (default) → JOB_SANDBOX_PROCESSES child processes
 * with the same object store, embedder and index plan as the config gives this process; 'off' → none.
 */
export function createConfiguredSandbox(
  config: SandboxConfigSource & { JOB_SANDBOX: 'process' | 'off'; JOB_SANDBOX_PROCESSES: number },
  logger: Logger,
): ProcessorSandbox | undefined {
  if (config.JOB_SANDBOX === 'off') return undefined;
  return createProcessSandbox({ spec: sandboxSpecFromConfig(config), size: config.JOB_SANDBOX_PROCESSES, logger });
}
