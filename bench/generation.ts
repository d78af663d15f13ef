/**
 * Generation benchmarks (issue 6): `npm run bench:generation [-- options]`.
 *
 * 1. Local model speed per model shape — the tiny random fixture, and random-weight GGUFs written
 *    here at SmolLM2-135M and SmolLM2-360M shapes (bench/support/gguf-writer.ts; random weights do
 *    exactly the real model's arithmetic, so the speed is true and the text is gibberish). Each
 *    model runs in its own child process (clean peak RSS): load time (binary + model + 2,048-token
 *    context), then the project's advice prompt (core/generation/prompt.ts, 4 demo passages, cut to
 *    fit the context as LlamaCppGenerator cuts it) through node-llama-cpp's chat session: time to
 *    first token (prompt evaluation included) and decode tokens/s, median of a few runs.
 * 2. End-to-end advice latency through the real core over HTTP (`POST /v1/advice/stream`, auth,
 *    retrieval, generation, fairness check), one core per generator: extractive; llama-cpp with the
 *    135M-shape model; openai-compatible against test/support/openai-compatible-server.ts, which
 *    streams a fixed answer at once — that run measures our client, resilience and streaming
 *    overhead, not a model.
 *
 * Options (defaults in brackets):
 *   --models tiny,135m,360m [all]        which local models to measure
 *   --generators extractive,llama-cpp,openai-compatible [all]   which end-to-end runs
 *   --runs N [3]  --max-tokens N [128]  --type q8_0|q4_0|f16 [q8_0]  --threads N [2]
 *   --questions N [20]  --llama-questions N [10]  --llama-max-tokens N [128]
 *   --quick                              runs 1, 32 tokens, 5 (3 llama) questions; explicit options win
 *   --keep-models                        reuse/keep the GGUFs in os.tmpdir()/apfa-bench-gguf
 * The GGUFs borrow the tiny fixture's tokenizer (../shared/models, or APFA_TINY_GGUF) and are
 * written to a temporary folder that is removed at the end. Writes bench/results/generation.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BorrowerProfileSchema, type BorrowerProfile } from '../shared/contracts/advice.ts';
import { buildAdvicePrompt, DEFAULT_MAX_CONTEXT_CHARS } from '../core/generation/prompt.ts';
import type { Passage } from '../core/ports/generator.ts';
import { startChatServer } from '../test/support/openai-compatible-server.ts';
import { getToken, startCore } from '../test/support/start-core.ts';
import { GgmlType } from './support/gguf-format.ts';
import { SMOLLM2_135M, SMOLLM2_360M, writeRandomLlamaGguf, type LlamaShape, type RandomLlamaInfo } from './support/gguf-writer.ts';
import { percentile, round, saveResults } from './support/results.ts';
import { ADVICE_QUESTIONS } from './support/advice-questions.ts';

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const TINY_FIXTURE = process.env.APFA_TINY_GGUF || fileURLToPath(new URL('../../shared/models/llama-2-tiny-random/llama-2-tiny-random.gguf', import.meta.url));
const CONTEXT_SIZE = 2048;
/** LlamaCppGenerator's defaults, used to cut the prompt exactly as the generator would. */
const GENERATOR_MAX_TOKENS = 320;
const TEMPLATE_OVERHEAD_TOKENS = 48;

const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const quick = flag('quick');
/** A positive integer option; `quickValue` applies with --quick unless the option is given. */
function count(name: string, fallback: number, quickValue = fallback): number {
  const raw = argument(name);
  const value = raw === undefined ? (quick ? quickValue : fallback) : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer (got ${raw})`);
  return value;
}
function list<T extends string>(name: string, allowed: readonly T[]): T[] {
  const raw = argument(name);
  if (raw === undefined) return [...allowed];
  const values = raw.split(',').map((value) => value.trim());
  const unknown = values.filter((value) => !(allowed as readonly string[]).includes(value));
  if (unknown.length > 0 || values.length === 0) throw new Error(`--${name} takes a comma-separated subset of ${allowed.join(',')} (got ${raw})`);
  return values as T[];
}

const QUESTION = 'What are my options for a $200,000 home with a 620 credit score?';
/** A profile the strict request schema accepts (validated below, so a renamed field fails here, not as a 422 mid-run). */
const PROFILE: BorrowerProfile = BorrowerProfileSchema.parse({ propertyValue: 200_000, downPayment: 10_000, creditScore: 620, annualIncome: 72_000, monthlyDebt: 450, loanPurpose: 'purchase', firstTimeBuyer: true });
const DEMO_PASSAGE_IDS = ['buying-200k-home-with-620-credit-score', 'fha-loans-credit-down-payment-mip', 'conventional-loans-conforming-limits', 'private-mortgage-insurance-pmi'];

const E2E_QUESTIONS = [
  ...ADVICE_QUESTIONS,
  'Should I choose a fixed or an adjustable rate mortgage?',
  'What does a VA loan funding fee cost?',
  'Can I use gift funds for my down payment?',
  'How do discount points lower my rate?',
  'What is the difference between preapproval and prequalification?',
  'How long after bankruptcy can I get a mortgage?',
  'What are the warning signs of a predatory lender?',
  'Should I take a 15-year or a 30-year mortgage?',
  'How does a HELOC differ from a home equity loan?',
  'What documents does a self-employed borrower need?',
  'How can I improve my credit score before applying?',
  'What closing costs should I expect?',
  'How do student loans affect qualifying for a mortgage?',
  'What is a rate lock and how long does it last?',
];

// ------------------------------------------------------------------------------------------------
// Child process: one model's load time, time to first token, tokens/s and peak RSS.

interface MeasuredRun {
  ttftMs: number;
  tokens: number;
  decodeTokensPerSecond: number;
  promptTokensPerSecond: number;
  totalMs: number;
  stopReason: string;
}

interface ModelRun {
  loadMs: number;
  promptTokens: number;
  promptChars: number;
  chatWrapper: string;
  runs: MeasuredRun[];
  /** Measured runs that produced no token at all (an end-of-generation token first). */
  emptyRuns: number;
  rssBeforeLoadMB: number;
  peakRssMB: number;
}

function demoPassages(): Passage[] {
  const documents = readFileSync(join(repoRoot, 'data/corpus/lending-guide.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { id: string; title: string; text: string });
  return DEMO_PASSAGE_IDS.map((id, index) => {
    const document = documents.find((candidate) => candidate.id === id);
    if (!document) throw new Error(`demo passage ${id} is missing from data/corpus`);
    return { citation: index + 1, id, title: document.title, text: document.text, score: 1 - index * 0.1 };
  });
}

async function childMeasure(modelPath: string, runs: number, maxTokens: number, threads: number): Promise<ModelRun> {
  const rssBeforeLoadMB = process.memoryUsage().rss / 2 ** 20;
  const { getLlama, LlamaChatSession, LlamaLogLevel } = await import('node-llama-cpp');
  const started = performance.now();
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads });
  const loadMs = performance.now() - started;
  const sequence = context.getSequence();

  // The prompt LlamaCppGenerator would send with a 2,048-token context and its default 320 answer tokens.
  const input = { query: QUESTION, profile: PROFILE, passages: demoPassages() };
  const budget = CONTEXT_SIZE - GENERATOR_MAX_TOKENS - TEMPLATE_OVERHEAD_TOKENS;
  let maxContextChars = DEFAULT_MAX_CONTEXT_CHARS;
  let prompt = buildAdvicePrompt(input, { maxContextChars });
  for (;;) {
    const tokens = model.tokenize(`${prompt.system}\n${prompt.user}`).length;
    if (tokens <= budget || maxContextChars === 0) break;
    maxContextChars = Math.max(0, Math.floor(maxContextChars * Math.min(0.9, budget / tokens)) - 50);
    prompt = buildAdvicePrompt(input, { maxContextChars });
  }

  const results: MeasuredRun[] = [];
  let emptyRuns = 0;
  let promptTokens = 0;
  let chatWrapper = '';
  // One warm-up run (page faults of the mapped weights, thread pool start), then the measured runs.
  for (let run = 0; run <= runs; run++) {
    await sequence.clearHistory();
    const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: prompt.system, autoDisposeSequence: false });
    chatWrapper = session.chatWrapper.wrapperName;
    let first: number | undefined;
    let tokens = 0;
    const t0 = performance.now();
    const meta = await session.promptWithMeta(prompt.user, {
      maxTokens,
      temperature: 0.2,
      seed: run + 1,
      onToken: (chunk) => {
        first ??= performance.now();
        tokens += chunk.length;
      },
    });
    const end = performance.now();
    // Tokens in the context after the answer, less the answer: the chat-formatted prompt as evaluated.
    promptTokens = sequence.nextTokenIndex - tokens;
    session.dispose({ disposeSequence: false });
    if (run === 0) continue;
    if (first === undefined) {
      emptyRuns += 1;
      continue;
    }
    const ttftMs = first - t0;
    results.push({
      ttftMs: round(ttftMs),
      tokens,
      decodeTokensPerSecond: tokens > 1 ? round((tokens - 1) / ((end - first) / 1000)) : 0,
      promptTokensPerSecond: round(promptTokens / (ttftMs / 1000)),
      totalMs: round(end - t0),
      stopReason: meta.stopReason,
    });
  }
  const peakRssMB = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  return { loadMs: round(loadMs), promptTokens, promptChars: prompt.system.length + prompt.user.length, chatWrapper, runs: results, emptyRuns, rssBeforeLoadMB: round(rssBeforeLoadMB, 0), peakRssMB: round(peakRssMB, 0) };
}

if (flag('child')) {
  const result = await childMeasure(argument('model') ?? '', count('runs', 3), count('max-tokens', 128), count('threads', 2));
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}

// ------------------------------------------------------------------------------------------------
// Parent: write the models, measure each in a child, then the end-to-end runs.

const MODEL_NAMES = ['tiny', '135m', '360m'] as const;
const GENERATOR_NAMES = ['extractive', 'llama-cpp', 'openai-compatible'] as const;
const modelNames = list('models', MODEL_NAMES);
const generatorNames = list('generators', GENERATOR_NAMES);
const runs = count('runs', 3, 1);
const maxTokens = count('max-tokens', 128, 32);
const threads = count('threads', 2);
const questionCount = Math.min(E2E_QUESTIONS.length, count('questions', 20, 5));
const llamaQuestionCount = Math.min(E2E_QUESTIONS.length, count('llama-questions', 10, 3));
const llamaMaxTokens = count('llama-max-tokens', 128, 32);
const keepModels = flag('keep-models');
const typeName = (argument('type') ?? 'q8_0').toUpperCase();
const types: Record<string, GgmlType> = { Q8_0: GgmlType.Q8_0, Q4_0: GgmlType.Q4_0, F16: GgmlType.F16 };
const weightType = types[typeName];
if (weightType === undefined) throw new Error(`--type must be one of ${Object.keys(types).join(', ').toLowerCase()}`);
const median = (values: number[]) => (values.length === 0 ? Number.NaN : percentile([...values].sort((a, b) => a - b), 50));
if (!existsSync(TINY_FIXTURE)) {
  throw new Error(`${TINY_FIXTURE} is missing: the benchmark models borrow its tokenizer (see ../shared/models/llama-2-tiny-random/SOURCE.md; APFA_TINY_GGUF points elsewhere)`);
}

const needs135 = modelNames.includes('135m') || generatorNames.includes('llama-cpp');
const needs360 = modelNames.includes('360m');
const bytesPerWeight = { Q8_0: 34 / 32, Q4_0: 18 / 32, F16: 2 }[typeName]!;
const neededGiB = (((needs135 ? 135e6 : 0) + (needs360 ? 362e6 : 0)) * bytesPerWeight * 1.1) / 2 ** 30;
const freeGiB = (() => {
  const stats = statfsSync(tmpdir());
  return (stats.bavail * stats.bsize) / 2 ** 30;
})();
if (freeGiB < neededGiB + 0.5) throw new Error(`only ${freeGiB.toFixed(1)} GiB free in ${tmpdir()}; the models need about ${neededGiB.toFixed(1)} GiB`);
const modelDir = keepModels ? join(tmpdir(), 'apfa-bench-gguf') : mkdtempSync(join(tmpdir(), 'apfa-bench-gguf-'));
mkdirSync(modelDir, { recursive: true });

function randomModel(shape: LlamaShape): { path: string; info: RandomLlamaInfo | undefined; writeMs: number } {
  const path = join(modelDir, `${shape.name}-${typeName.toLowerCase()}.gguf`);
  if (keepModels && existsSync(path)) return { path, info: undefined, writeMs: 0 };
  console.log(`writing ${shape.name} (${typeName}) to ${path}…`);
  const started = performance.now();
  const info = writeRandomLlamaGguf(path, { shape, type: weightType!, tokenizerFrom: TINY_FIXTURE, contextLength: CONTEXT_SIZE });
  return { path, info, writeMs: round(performance.now() - started, 0) };
}

function measureInChild(modelPath: string): ModelRun {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', thisFile, '--child', '--model', modelPath, '--runs', String(runs), '--max-tokens', String(maxTokens), '--threads', String(threads)],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  const line = child.stdout.split('\n').find((candidate) => candidate.startsWith('RESULT '));
  if (child.status !== 0 || !line) throw new Error(`measuring ${modelPath} failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as ModelRun;
}

function describeShape(shape: LlamaShape): string {
  return `hidden ${shape.hidden}, ${shape.layers} layers, ${shape.heads} heads / ${shape.kvHeads} KV heads, FFN ${shape.ffn}, vocab ${shape.vocab}, ${shape.tiedEmbeddings ? 'tied embeddings' : 'separate output'}`;
}

const started = performance.now();
const summary: string[] = [];
let model135: string | undefined;
try {
  const shapes: Array<{ key: (typeof MODEL_NAMES)[number]; label: string; path: string; info: RandomLlamaInfo | undefined; writeMs: number; shape: string }> = [];
  if (modelNames.includes('tiny')) shapes.push({ key: 'tiny', label: 'llama-2-tiny-random (fixture)', path: TINY_FIXTURE, info: undefined, writeMs: 0, shape: 'hidden 8, 1 layer, vocab 32000, F16' });
  if (needs135) {
    const written = randomModel(SMOLLM2_135M);
    model135 = written.path;
    if (modelNames.includes('135m')) shapes.push({ key: '135m', label: 'SmolLM2-135M shape, random weights', ...written, shape: describeShape(SMOLLM2_135M) });
  }
  if (needs360) shapes.push({ key: '360m', label: 'SmolLM2-360M shape, random weights', ...randomModel(SMOLLM2_360M), shape: describeShape(SMOLLM2_360M) });

  const models: Record<string, unknown> = {};
  for (const entry of shapes) {
    console.log(`measuring ${entry.label}…`);
    const run = measureInChild(entry.path);
    const ttft = median(run.runs.map((r) => r.ttftMs));
    const promptRate = median(run.runs.map((r) => r.promptTokensPerSecond));
    const decodeRate = median(run.runs.map((r) => r.decodeTokensPerSecond));
    models[entry.label] = {
      shape: entry.shape,
      ...(entry.info ? { weights: entry.info.type, parameters: entry.info.parameters, fileMB: round(entry.info.bytes / 2 ** 20, 1), vocab: entry.info.vocab, paddingTokens: entry.info.paddingTokens, writeMs: entry.writeMs } : {}),
      loadMs: run.loadMs,
      chatWrapper: run.chatWrapper,
      promptTokens: run.promptTokens,
      promptChars: run.promptChars,
      maxAnswerTokens: maxTokens,
      medianTtftMs: round(ttft),
      medianPromptTokensPerSecond: round(promptRate),
      medianDecodeTokensPerSecond: round(decodeRate),
      emptyRuns: run.emptyRuns,
      peakRssMB: run.peakRssMB,
      rssBeforeLoadMB: run.rssBeforeLoadMB,
      runs: run.runs,
    };
    summary.push(
      `${entry.label}: load ${round(run.loadMs, 0)} ms, ${run.promptTokens}-token prompt (${run.chatWrapper}): first token ${round(ttft, 0)} ms (${round(promptRate, 0)} prompt tokens/s), decode ${round(decodeRate, 1)} tokens/s, peak RSS ${run.peakRssMB} MB`,
    );
  }

  // ----------------------------------------------------------------------------------------------
  // End to end over HTTP.

  interface StreamTiming {
    ttftMs: number;
    totalMs: number;
    generator: string;
    degraded: boolean;
  }

  const askStream = async (url: string, token: string, query: string): Promise<StreamTiming> => {
    const t0 = performance.now();
    const response = await fetch(`${url}/v1/advice/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      body: JSON.stringify({ query, profile: PROFILE }),
    });
    if (response.status !== 200 || !response.body) throw new Error(`advice stream failed with ${response.status}: ${await response.text()}`);
    let ttftMs = Number.NaN;
    let buffer = '';
    let done: { generator?: string; degraded?: boolean } | undefined;
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { done: ended, value } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: ?(.*)$/m.exec(event)?.[1];
        const data = /^data: ?(.*)$/m.exec(event)?.[1] ?? '';
        if (name === 'token' && Number.isNaN(ttftMs)) ttftMs = performance.now() - t0;
        if (name === 'error') throw new Error(`advice stream error: ${data}`);
        if (name === 'done') done = JSON.parse(data) as { generator?: string; degraded?: boolean };
      }
    }
    if (!done) throw new Error('advice stream ended without a done event');
    return { ttftMs, totalMs: performance.now() - t0, generator: done.generator ?? 'unknown', degraded: done.degraded === true };
  };

  const endToEnd = async (label: string, env: Record<string, string>, questions: number, note: string) => {
    console.log(`end to end: ${label} (${questions} questions)…`);
    const t0 = performance.now();
    // The semantic answer cache is off so every question is generated; the rest is the default configuration.
    const core = await startCore({ ANSWER_CACHE: 'off', ...env });
    const startupMs = performance.now() - t0;
    try {
      const token = await getToken(core.url, 'admin', core.adminPassword);
      await askStream(core.url, token, 'What is a loan estimate?'); // warm-up, not counted
      const timings: StreamTiming[] = [];
      for (const query of E2E_QUESTIONS.slice(0, questions)) timings.push(await askStream(core.url, token, query));
      const total = timings.map((t) => t.totalMs).sort((a, b) => a - b);
      const ttft = timings.map((t) => t.ttftMs).filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
      const result = {
        note,
        questions: timings.length,
        startupMs: round(startupMs),
        p50Ms: round(percentile(total, 50)),
        p95Ms: round(percentile(total, 95)),
        ttftP50Ms: round(percentile(ttft, 50)),
        ttftP95Ms: round(percentile(ttft, 95)),
        answeredBy: [...new Set(timings.map((t) => t.generator))],
        degraded: timings.filter((t) => t.degraded).length,
      };
      summary.push(`end to end, ${label}: p50 ${round(result.p50Ms, 1)} ms, p95 ${round(result.p95Ms, 1)} ms, first token p50 ${round(result.ttftP50Ms, 1)} ms (${result.questions} questions, ${result.degraded} degraded, answered by ${result.answeredBy.join(', ')})`);
      return result;
    } finally {
      await core.stop();
    }
  };

  const endToEndResults: Record<string, unknown> = {};
  const chat = generatorNames.includes('openai-compatible') ? await startChatServer() : undefined;
  try {
    if (generatorNames.includes('extractive')) {
      endToEndResults.extractive = await endToEnd('extractive', { GENERATOR: 'extractive' }, questionCount, 'The deterministic extractive generator (the default and the fallback).');
    }
    if (generatorNames.includes('llama-cpp')) {
      endToEndResults['llama-cpp (SmolLM2-135M shape)'] = await endToEnd(
        'llama-cpp, SmolLM2-135M shape',
        {
          GENERATOR: 'llama-cpp',
          LLM_MODEL_PATH: model135!,
          LLM_THREADS: String(threads),
          LLM_CONTEXT_SIZE: String(CONTEXT_SIZE),
          LLM_MAX_TOKENS: String(llamaMaxTokens),
          // Measure the model, not the deadline: on a loaded machine a 15 s attempt can run out.
          LLM_TIMEOUT_MS: '120000',
          LLM_BUDGET_MS: '240000',
          LLM_RETRIES: '0',
        },
        llamaQuestionCount,
        `Random weights write ${llamaMaxTokens} tokens of gibberish with no citation, so every answer is generated in full (first token = the first draft token streamed), then replaced by the extractive answer (degraded: uncited): the latency is that of a real model of this shape writing ${llamaMaxTokens} tokens plus the fallback.`,
      );
    }
    if (chat) {
      endToEndResults['openai-compatible (local fixed-answer server)'] = await endToEnd(
        'openai-compatible, local fixed-answer server',
        { GENERATOR: 'openai-compatible', LLM_BASE_URL: chat.baseURL, LLM_MODEL: 'bench-fixed-answer' },
        questionCount,
        'test/support/openai-compatible-server.ts streams a fixed cited answer at once: this measures our client, resilience wrapper, post-processing, fairness check and SSE overhead, not a model.',
      );
    }
  } finally {
    await chat?.close();
  }

  console.log(`\n${summary.join('\n')}\n`);
  saveResults('generation', {
    settings: {
      threads,
      contextSize: CONTEXT_SIZE,
      weights: typeName,
      maxAnswerTokens: maxTokens,
      measuredRunsPerModel: runs,
      temperature: 0.2,
      llamaEndToEndMaxTokens: llamaMaxTokens,
      models: modelNames,
      generators: generatorNames,
      quick,
    },
    notes: [
      'Random-weight GGUFs do the real models’ arithmetic (same matrices, layers, heads, KV cache), so speed is true; the text is gibberish.',
      'The tokenizer is Llama 2’s SentencePiece (32,000 tokens, from the tiny fixture) padded with never-matched tokens to SmolLM2’s 49,152, so embedding/output matrices have the real size; prompt token counts differ slightly from SmolLM2’s BPE.',
      'Time to first token includes evaluating the whole chat-formatted prompt (4 demo passages, cut to fit a 2,048-token context as LlamaCppGenerator cuts it).',
    ],
    models,
    endToEnd: endToEndResults,
    summary,
    totalSeconds: round((performance.now() - started) / 1000, 1),
  });
} finally {
  if (!keepModels) rmSync(modelDir, { recursive: true, force: true });
}
