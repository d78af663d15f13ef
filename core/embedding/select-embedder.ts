import { AppError } from '../../shared/errors/app-error.ts';
import { describeMissingModelFiles, inspectModelDirectory, MODEL_FETCH_HINT } from './model-files.ts';

/** How the embedder is chosen: always ONNX, always lexical, or ONNX when its files are present. */
export type EmbedderMode = 'onnx' | 'lexical' | 'auto';

/** The embedder to build and why, for the process entry to log. */
export interface EmbedderChoice {
  kind: 'onnx' | 'lexical';
  reason: string;
}

/**
 * Decides between the ONNX and the lexical embedder without loading either.
 *
 * 'auto' takes ONNX when `modelDir` holds a graph (model.onnx, model_quantized.onnx or
 * model_qint8*.onnx) and tokenizer.json, and falls back to lexical otherwise, saying why.
 * 'onnx' with files missing throws AppError('not-ready') naming the directory and the fetch command.
 */
export async function resolveEmbedderChoice(options: { mode: EmbedderMode; modelDir: string }): Promise<EmbedderChoice> {
  const { mode, modelDir } = options;
  if (mode === 'lexical') return { kind: 'lexical', reason: 'EMBEDDER=lexical' };
  const contents = await inspectModelDirectory(modelDir);
  const missing = describeMissingModelFiles(modelDir, contents);
  if (missing === undefined) {
    return { kind: 'onnx', reason: `${mode === 'auto' ? 'EMBEDDER=auto found' : 'EMBEDDER=onnx using'} ${contents.modelFile} in ${modelDir}` };
  }
  if (mode === 'onnx') throw new AppError('not-ready', { detail: `EMBEDDER=onnx but ${missing}; ${MODEL_FETCH_HINT}` });
  return { kind: 'lexical', reason: `${missing}; using the lexical embedder (${MODEL_FETCH_HINT} for the ONNX one)` };
}
