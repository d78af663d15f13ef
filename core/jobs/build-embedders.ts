import type { Embedder } from '../ports/embedder.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { EmbedderProvider } from '../embedding/embedder-provider.ts';
import { LEXICAL_EMBEDDER_ID, LexicalEmbedder } from '../embedding/lexical-embedder.ts';
import { fitLexicalEmbedder } from '../embedding/lexical-embedder-state.ts';
import type { EmbedderDescriptor } from './run-store.ts';

/** What the ingest job knows when it chooses the embedder of a new run. */
export interface EmbedderChoiceInput {
  documents: readonly KnowledgeDocument[];
  /** The embedder of the run whose vectors can be reused, if any. */
  previous: EmbedderDescriptor | null;
  /** Share of documents whose text is not in that run (0..1; 1 when there is none). */
  changedFraction: number;
}

/**
 * Chooses the embedder of a run and restores it in any process from its descriptor (embed-batch
 * jobs may run in another process than the ingest that chose it).
 */
export interface BuildEmbedders {
  /** Id new versions are built with (a version built by another embedder is rebuilt). */
  readonly buildEmbedderId: string;
  forRun(input: EmbedderChoiceInput): Promise<Embedder>;
  restore(descriptor: EmbedderDescriptor): Promise<Embedder>;
}

/** The descriptor stored with a run: id, modelHash, and the state when the embedder has one. */
export function describeEmbedder(embedder: Embedder): EmbedderDescriptor {
  const candidate = embedder as Embedder & { toJSON?: unknown };
  const state = typeof candidate.toJSON === 'function' ? (candidate.toJSON as () => unknown).call(embedder) : undefined;
  return state === undefined ? { id: embedder.id, modelHash: embedder.modelHash } : { id: embedder.id, modelHash: embedder.modelHash, state };
}

/**
 * The lexical embedder's IDF table is fitted on the corpus, so refitting changes every vector.
 * For incremental ingest it keeps the previous run's IDF while at most `refitFraction` of the
 * documents changed (then only changed documents are embedded), and refits beyond that so IDF
 * never drifts far from the corpus.
 */
export function lexicalBuildEmbedders(options: { refitFraction?: number } = {}): BuildEmbedders {
  const refitFraction = options.refitFraction ?? 0.1;
  return {
    buildEmbedderId: LEXICAL_EMBEDDER_ID,
    async forRun({ documents, previous, changedFraction }) {
      if (previous?.id === LEXICAL_EMBEDDER_ID && previous.state !== undefined && changedFraction <= refitFraction) {
        return restoreLexical(previous);
      }
      return fitLexicalEmbedder(documents);
    },
    async restore(descriptor) {
      return restoreLexical(descriptor);
    },
  };
}

/**
 * Over the configured EmbedderProvider (EMBEDDER=onnx|lexical|auto): lexical runs as above, an
 * ONNX model is used as is, and restoring checks the model is the one that started the run.
 */
export function providerBuildEmbedders(provider: Pick<EmbedderProvider, 'forBuild' | 'buildEmbedderId'>, options: { refitFraction?: number } = {}): BuildEmbedders {
  const lexical = lexicalBuildEmbedders(options);
  if (provider.buildEmbedderId === LEXICAL_EMBEDDER_ID) return lexical;
  return {
    buildEmbedderId: provider.buildEmbedderId,
    forRun: ({ documents }) => provider.forBuild(documents),
    async restore(descriptor) {
      if (descriptor.id === LEXICAL_EMBEDDER_ID) return restoreLexical(descriptor);
      const embedder = await provider.forBuild([]);
      if (embedder.id !== descriptor.id || embedder.modelHash !== descriptor.modelHash) {
        throw new AppError('index-mismatch', {
          detail: `run was started with ${descriptor.id}@${descriptor.modelHash.slice(0, 12)}, this process embeds with ${embedder.id}@${embedder.modelHash.slice(0, 12)}`,
        });
      }
      return embedder;
    },
  };
}

function restoreLexical(descriptor: EmbedderDescriptor): LexicalEmbedder {
  const embedder = LexicalEmbedder.fromJSON(descriptor.state);
  if (embedder.modelHash !== descriptor.modelHash) {
    throw new AppError('index-mismatch', { detail: `stored lexical state hashes to ${embedder.modelHash}, expected ${descriptor.modelHash}` });
  }
  return embedder;
}
