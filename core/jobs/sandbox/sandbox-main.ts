import { isAppError } from '../../../shared/errors/app-error.ts';
import type { KnowledgeDocument } from '../../ports/document.ts';
import type { ProcessorContext } from '../../ports/job-workers.ts';
import { describeEmbedder } from '../build-embedders.ts';
import { createBuildIndexProcessor } from '../processors/build-index.ts';
import { createEmbedBatchProcessor } from '../processors/embed-batch.ts';
import type { ProcessorDependencies } from '../processors/processor-dependencies.ts';
import { sandboxDependencies } from './sandbox-dependencies.ts';
import type { FromSandbox, SandboxFailure, SandboxJobMessage, ToSandbox } from './sandbox-protocol.ts';
import { SandboxSpecSchema } from './sandbox-spec.ts';

/**
 * The sandbox process: runs the CPU-heavy processors (and the lexical fit) one message at a
 * time, so the parent's event loop stays free to renew job locks and answer HTTP requests.
 * The processors are the very same functions the parent would run inline.
 */
const send = (message: FromSandbox) => process.send?.(message);

interface SandboxProcessors {
  'embed-batch': ReturnType<typeof createEmbedBatchProcessor>;
  'build-index': ReturnType<typeof createBuildIndexProcessor>;
}

let ready: Promise<{ deps: ProcessorDependencies; processors: SandboxProcessors }> | null = null;

/** What the processor sees of the parent's job: progress goes back over IPC; no flows from here. */
function contextOf<M extends SandboxJobMessage>(message: M): ProcessorContext<M['name']> {
  return {
    id: message.job.id,
    name: message.name,
    queue: message.job.queue,
    data: message.job.data,
    attemptsMade: message.job.attemptsMade,
    progress: async (progress) => {
      send({ type: 'progress', id: message.id, progress });
    },
    childrenValues: async () => [],
    addFlow: async () => {
      throw new Error(`${message.name} cannot add flows from a job sandbox`);
    },
  } as ProcessorContext<M['name']>;
}

function failure(error: unknown): SandboxFailure {
  if (isAppError(error)) return { message: error.message, code: error.code, detail: error.detail };
  return { message: error instanceof Error ? error.message : String(error) };
}

async function handle(message: ToSandbox): Promise<void> {
  if (message.type === 'init') {
    const spec = SandboxSpecSchema.parse(message.spec);
    ready = sandboxDependencies(spec).then(({ deps }) => ({
      deps,
      processors: { 'embed-batch': createEmbedBatchProcessor(deps), 'build-index': createBuildIndexProcessor(deps) },
    }));
    return;
  }
  const { id } = message;
  try {
    if (!ready) throw new Error('job sandbox used before init');
    const { deps, processors } = await ready;
    if (message.type === 'fit') {
      const embedder = await deps.embedders.forRun({
        documents: message.task.documents as KnowledgeDocument[],
        previous: message.task.previous,
        changedFraction: message.task.changedFraction,
      });
      send({ type: 'done', id, result: describeEmbedder(embedder) });
      return;
    }
    const result = message.name === 'embed-batch' ? await processors['embed-batch'](contextOf(message)) : await processors['build-index'](contextOf(message));
    send({ type: 'done', id, result });
  } catch (error) {
    send({ type: 'failed', id, error: failure(error) });
  }
}

process.on('message', (message: ToSandbox) => void handle(message));
// The parent going away closes the channel: nothing is left to work for.
process.on('disconnect', () => process.exit(0));
