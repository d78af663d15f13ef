import type { Embedder } from '../ports/embedder.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { EmbeddedVersion } from './embedded-version.ts';
import { fitLexicalEmbedder, lexicalEmbedderFromManifest } from './lexical-embedder-state.ts';
import { LEXICAL_EMBEDDER_ID } from './lexical-embedder.ts';
import { OnnxEmbedder } from './onnx-embedder.ts';
import { resolveEmbedderChoice, type EmbedderChoice, type EmbedderMode } from './select-embedder.ts';

/**
 * Hands out embedders: the one new index versions are built with, and the one that embeds
 * queries for a given stored version. A version is only ever queried with the embedder that
 * built it (same id and modelHash); anything else is refused with 'index-mismatch'.
 */
export interface EmbedderProvider {
  /** What was chosen and why (for the startup log and /ready). */
  readonly choice: EmbedderChoice;
  /** Id of the embedder new versions are built with; a stored version built by another is rebuilt. */
  readonly buildEmbedderId: string;
  /** The embedder to build a version of `documents` with (the lexical one is fitted on them). */
  forBuild(documents: readonly KnowledgeDocument[]): Promise<Embedder>;
  /** The query embedder for a stored version. */
  forManifest(manifest: EmbeddedVersion): Promise<Embedder>;
  close(): Promise<void>;
}

export interface EmbedderProviderOptions {
  mode: EmbedderMode;
  modelDir: string;
  batchSize?: number | undefined;
  intraOpThreads?: number | undefined;
}

/** Resolves EMBEDDER=onnx|lexical|auto once and loads the ONNX model when it is chosen. */
export async function createEmbedderProvider(options: EmbedderProviderOptions): Promise<EmbedderProvider> {
  const choice = await resolveEmbedderChoice({ mode: options.mode, modelDir: options.modelDir });
  const onnx =
    choice.kind === 'onnx'
      ? await OnnxEmbedder.load({
          modelDir: options.modelDir,
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
          ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
        })
      : undefined;
  return {
    choice,
    buildEmbedderId: onnx ? onnx.id : LEXICAL_EMBEDDER_ID,
    async forBuild(documents) {
      return onnx ?? fitLexicalEmbedder(documents);
    },
    async forManifest(manifest) {
      const built = manifest.embedder;
      // The lexical embedder is fully described by the state stored in the manifest, so any process can query a lexical version.
      if (built.id === LEXICAL_EMBEDDER_ID) return lexicalEmbedderFromManifest(manifest);
      if (onnx && built.id === onnx.id && built.modelHash === onnx.modelHash) return onnx;
      throw new AppError('index-mismatch', {
        detail: onnx
          ? `index ${manifest.version} was built by ${built.id}@${built.modelHash.slice(0, 12)}, this process embeds with ${onnx.id}@${onnx.modelHash.slice(0, 12)}`
          : `index ${manifest.version} was built by ${built.id}, and this process has no ONNX model (${choice.reason})`,
      });
    },
    async close() {
      await onnx?.release();
    },
  };
}
