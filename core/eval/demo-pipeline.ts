import type { AnswerQuestionDeps } from '../advice/answer-question.ts';
import { createLiveIndex } from '../advice/live-index.ts';
import type { CoreConfig } from '../config.ts';
import { createEmbedderProvider } from '../embedding/embedder-provider.ts';
import { buildIndexVersion } from '../indexing/build-index.ts';
import { decodeBm25Postings } from '../retrieval/bm25-postings.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { Generator } from '../ports/generator.ts';
import { createGenerator } from '../generation/create-generator.ts';
import { redactPersonalData } from '../privacy/personal-data.ts';
import { advicePipelineSettings, createExtractiveGenerator } from '../runtime/advice.ts';
import { createServingIndexPreparer } from '../serving/prepare-serving-index.ts';
import { createDocumentSource } from '../sources/create-document-source.ts';
import { AppError } from '../../shared/errors/app-error.ts';

export interface DemoPipeline {
  /** The advice use case's dependencies, as the service wires them (see core/composition-root.ts). */
  deps: AnswerQuestionDeps;
  documents: number;
  /** Document ids in the indexed corpus. */
  documentIds: ReadonlySet<string>;
  /** The embedder chosen (EMBEDDER), in words. */
  embedder: string;
  /** The serving embedder (the one that built the index), e.g. for comparing answers by cosine. */
  servingEmbedder: Embedder;
  close(): Promise<void>;
}

/**
 * The advice pipeline over a JSONL corpus, built the way the service builds it: the configured
 * embedder (EMBEDDER; the lexical one fitted on the documents), one index version with its BM25
 * state, the configured retrieval (RETRIEVAL, HYBRID_FUSION) prepared by the service's preparer,
 * and the composition root's pipeline settings ({@link advicePipelineSettings}: RETRIEVAL_TOP_K, the
 * dense floor, the lexicon bias checker, FAIRNESS_* and the generation budget). Evals run
 * `answerQuestion` over it, so they measure what the service runs.
 */
export async function buildDemoPipeline(options: {
  corpusPath: string;
  config: CoreConfig;
  generator: Generator;
  fallbackGenerator?: Generator | undefined;
}): Promise<DemoPipeline> {
  const { config } = options;
  const snapshot = await createDocumentSource({ kind: 'jsonl', path: options.corpusPath }).read();
  if (snapshot.documents.length === 0) throw new AppError('validation-failed', { detail: `${options.corpusPath} has no valid documents` });
  const embedders = await createEmbedderProvider({ mode: config.EMBEDDER, modelDir: config.MODEL_DIR, batchSize: config.EMBED_BATCH_SIZE, intraOpThreads: config.EMBED_THREADS });
  try {
    const embedder = await embedders.forBuild(snapshot.documents);
    const built = await buildIndexVersion({ documents: snapshot.documents, embedder, sourceName: 'eval' });
    const bm25State = built.bm25Bytes ? decodeBm25Postings(built.bm25Bytes, 'the built bm25.bin') : undefined;
    const prepare = createServingIndexPreparer({
      embedders,
      retrieval: { mode: config.RETRIEVAL, ...(config.HYBRID_FUSION ? { fusion: config.HYBRID_FUSION } : {}) },
    });
    const serving = await prepare({ manifest: built.manifest, index: built.index, documents: [...snapshot.documents], bm25State });
    const deps: AnswerQuestionDeps = {
      ...advicePipelineSettings(config),
      live: createLiveIndex(serving),
      generator: options.generator,
      fallbackGenerator: options.fallbackGenerator,
    };
    return {
      deps,
      documents: snapshot.documents.length,
      documentIds: new Set(snapshot.documents.map((document) => document.id)),
      embedder: `${embedders.choice.kind} (${embedders.choice.reason})`,
      servingEmbedder: serving.embedder,
      close: async () => {
        built.index.close();
        await embedders.close();
      },
    };
  } catch (error) {
    await embedders.close();
    throw error;
  }
}

/** A demo pipeline answered by the configured generator, as the evals run it. */
export interface ConfiguredDemoPipeline extends DemoPipeline {
  /** The generator in words (its provider and model, or extractive). */
  generatorDescription: string;
  /** Loads the generator's model, if it has one. */
  warmUp(): Promise<void>;
}

/**
 * {@link buildDemoPipeline} with the configured generator (GENERATOR and LLM_* through
 * `createGenerator`, prompts redacted as the service redacts them) and the extractive answer as
 * its fallback; closing it closes both.
 */
export async function buildConfiguredDemoPipeline(options: {
  corpusPath: string;
  config: CoreConfig;
  /** HTTP client for model providers (tests). */
  fetch?: typeof globalThis.fetch | undefined;
}): Promise<ConfiguredDemoPipeline> {
  const extractive = createExtractiveGenerator(options.config);
  const created = createGenerator(options.config.generator, {
    fallback: extractive,
    redact: (text) => redactPersonalData(text).text,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const pipeline = await buildDemoPipeline({ corpusPath: options.corpusPath, config: options.config, generator: created.generator, fallbackGenerator: extractive }).catch(
    async (error: unknown) => {
      await created.close();
      throw error;
    },
  );
  return {
    ...pipeline,
    generatorDescription: created.description,
    warmUp: () => created.warmUp(),
    close: async () => {
      await pipeline.close();
      await created.close();
    },
  };
}
