import { AppError } from '../../../shared/errors/app-error.ts';
import type { ProcessorContext } from '../../ports/job-workers.ts';
import { JobPayloadSchemas } from '../../../shared/contracts/jobs.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';

export interface PublishResult {
  version: string;
  previous: string | null;
  /** Listeners that received the swap message. */
  receivers: number;
  /** With segments on, after a build: the base built, when changes published since its source was read were applied on it as a delta (`version`). */
  base?: string;
}

/**
 * Makes a version live: points `indexes/latest` at it (through the IndexRepository, which
 * refuses a version that does not exist) and announces it on the swap channel. After a build
 * the version comes from the run; for a rollback it is given. With segments on, a built base is
 * first brought up to the source as it is now (changes published as deltas while it was built
 * are applied on it as one delta), so making it live never hides a change.
 */
export function createPublishProcessor(deps: ProcessorDependencies) {
  return async (context: ProcessorContext<'publish'>): Promise<PublishResult> => {
    const data = JobPayloadSchemas.publish.parse(context.data);
    if (data.version !== undefined) return makeVersionLive(deps, data.version);
    if (data.run === undefined) throw new AppError('validation-failed', { detail: 'publish needs a run or a version' });
    const result = await deps.runs.readResult(data.run);
    if (!result) throw new AppError('internal', { detail: `run ${data.run} has no built version` });
    const source = deps.segments ? deps.sources((await deps.runs.requireRun(data.run)).source.name) : undefined;
    if (deps.segments && source) {
      let published: PublishResult | null = null;
      const outcome = await deps.segments.publishOnBase(result.version, {
        snapshot: await source.read(),
        embedders: deps.embedders,
        makeLive: async (version) => {
          published = await makeVersionLive(deps, version);
        },
      });
      if (published === null) throw new AppError('internal', { detail: `run ${data.run}: version ${result.version} was not made live` });
      return outcome.kind === 'delta' ? { ...(published as PublishResult), base: result.version } : published;
    }
    return makeVersionLive(deps, result.version, result.previous);
  };
}

/**
 * Moves the live pointer to `version` and announces it on the swap channel; `previous` is read
 * from the pointer unless given. The one publish step: rollbacks, builds and deltas use it.
 */
export async function makeVersionLive(
  deps: Pick<ProcessorDependencies, 'repository' | 'announcer' | 'logger' | 'now'>,
  version: string,
  knownPrevious?: string | null,
): Promise<PublishResult> {
  let previous = knownPrevious === undefined ? await deps.repository.latestVersion() : knownPrevious;
  if (previous === version) previous = null;
  await deps.repository.setLatest(version);
  const receivers = await deps.announcer.announce({ version, previous, at: deps.now().toISOString() });
  deps.logger.info({ version, previous, receivers, announcer: deps.announcer.kind }, 'published index version');
  return { version, previous, receivers };
}
