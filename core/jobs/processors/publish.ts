import { AppError } from '../../../shared/errors/app-error.ts';
import type { ProcessorContext } from '../../ports/job-workers.ts';
import { JobPayloadSchemas } from '../../../shared/contracts/jobs.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';

export interface PublishResult {
  version: string;
  previous: string | null;
  /** Listeners that received the swap message. */
  receivers: number;
}

/**
 * Makes a version live: points `indexes/latest` at it (through the IndexRepository, which
 * refuses a version that does not exist) and announces it on the swap channel. After a build
 * the version comes from the run; for a rollback it is given.
 */
export function createPublishProcessor(deps: ProcessorDependencies) {
  return async (context: ProcessorContext<'publish'>): Promise<PublishResult> => {
    const data = JobPayloadSchemas.publish.parse(context.data);
    let version = data.version;
    let previous: string | null = null;
    if (version === undefined) {
      if (data.run === undefined) throw new AppError('validation-failed', { detail: 'publish needs a run or a version' });
      const result = await deps.runs.readResult(data.run);
      if (!result) throw new AppError('internal', { detail: `run ${data.run} has no built version` });
      version = result.version;
      previous = result.previous;
    } else {
      previous = await deps.repository.latestVersion();
      if (previous === version) previous = null;
    }
    await deps.repository.setLatest(version);
    const receivers = await deps.announcer.announce({ version, previous, at: deps.now().toISOString() });
    deps.logger.info({ version, previous, receivers, announcer: deps.announcer.kind }, 'published index version');
    return { version, previous, receivers };
  };
}
