import { LEXICAL_EMBEDDER_ID } from '../../embedding/lexical-embedder.ts';
import type { Processors } from '../../ports/job-workers.ts';
import type { BuildEmbedders } from '../build-embedders.ts';
import type { ProcessorSandbox } from './process-sandbox.ts';
import type { SandboxedJob } from './sandbox-protocol.ts';

/** The processors with embed-batch and build-index replaced by their sandboxed runs. */
export function sandboxProcessors(processors: Processors, sandbox: ProcessorSandbox): Processors {
  const sandboxed: Pick<Processors, SandboxedJob> = { 'embed-batch': sandbox.processor('embed-batch'), 'build-index': sandbox.processor('build-index') };
  return { ...processors, ...sandboxed };
}

/**
 * Build embedders whose lexical fit (tokenising every document of the source) runs in the
 * sandbox (same rule as lexicalBuildEmbedders: refit above `refitFraction` changed); the fitted state comes back as a descriptor and is restored here. A neural embedder
 * has nothing to fit and is used as is.
 */
export function sandboxBuildEmbedders(inner: BuildEmbedders, sandbox: ProcessorSandbox, options: { refitFraction?: number } = {}): BuildEmbedders {
  if (inner.buildEmbedderId !== LEXICAL_EMBEDDER_ID) return inner;
  const refitFraction = options.refitFraction ?? 0.1;
  return {
    buildEmbedderId: inner.buildEmbedderId,
    async forRun({ documents, previous, changedFraction }) {
      // Keeping the previous IDF table is cheap: only a refit goes to the sandbox.
      const keepsPrevious = previous?.id === LEXICAL_EMBEDDER_ID && previous.state !== undefined && changedFraction <= refitFraction;
      if (keepsPrevious) return inner.forRun({ documents, previous, changedFraction });
      const descriptor = await sandbox.fit({
        documents: documents.map(({ id, title, text }) => ({ id, title, text })),
        previous,
        changedFraction,
      });
      return inner.restore(descriptor);
    },
    restore: (descriptor) => inner.restore(descriptor),
  };
}
