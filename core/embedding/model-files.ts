import { readdir } from 'node:fs/promises';

/** What to run to put the model files in place; named in every "model missing" message. */
export const MODEL_FETCH_HINT = 'run npm run models:fetch';

/** The tokenizer file every ONNX model directory needs beside the graph. */
export const TOKENIZER_FILE = 'tokenizer.json';

/** Graph file names tried when none is named, best first: fp32, then the int8 exports. */
const PREFERRED_MODEL_FILES = ['model.onnx', 'model_quantized.onnx'] as const;
const INT8_MODEL_FILE = /^model_qint8.*\.onnx$/;

/** What a model directory holds, as far as the ONNX embedder is concerned. */
export interface ModelDirectoryContents {
  /** The graph file to load (a name inside the directory), or undefined when there is none. */
  modelFile: string | undefined;
  hasTokenizer: boolean;
  /** Whether the directory exists at all. */
  exists: boolean;
}

/**
 * Looks into `modelDir` for a graph (model.onnx, model_quantized.onnx or model_qint8*.onnx) and
 * tokenizer.json. Never throws for a missing directory: it reports `exists: false`.
 */
export async function inspectModelDirectory(modelDir: string): Promise<ModelDirectoryContents> {
  let names: string[];
  try {
    names = await readdir(modelDir);
  } catch (error) {
    if (isMissing(error)) return { modelFile: undefined, hasTokenizer: false, exists: false };
    throw error;
  }
  const present = new Set(names);
  const modelFile = PREFERRED_MODEL_FILES.find((name) => present.has(name)) ?? names.filter((name) => INT8_MODEL_FILE.test(name)).sort()[0];
  return { modelFile, hasTokenizer: present.has(TOKENIZER_FILE), exists: true };
}

/** A one-line account of what is missing from `modelDir`, or undefined when it is complete. */
export function describeMissingModelFiles(modelDir: string, contents: ModelDirectoryContents): string | undefined {
  if (!contents.exists) return `model directory ${modelDir} does not exist`;
  const missing = [
    ...(contents.modelFile === undefined ? ['model.onnx (or model_quantized.onnx / model_qint8*.onnx)'] : []),
    ...(contents.hasTokenizer ? [] : [TOKENIZER_FILE]),
  ];
  return missing.length === 0 ? undefined : `no ${missing.join(' or ')} in ${modelDir}`;
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
