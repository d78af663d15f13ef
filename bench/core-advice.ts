/**
 * Uncached advice cost against corpus size (issue 18, item 2), in one run: core over a synthetic
 * 1k-document corpus (`results.small`) and a 100k one (`results.large`), each with p50/p95/p99
 * over sequential requests and throughput at 8 connections; `results.throughputRatio` is
 * large/small. `results.citationAgreement`: the share of a fixed question set whose cited
 * documents (in order) from the large core equal those of a third core over the same 100k corpus
 * forced to exact search (Flat index: INDEX_IVF_THRESHOLD above the corpus size), asked in the same
 * run. `results.indexKind`: the kind the large build chose (by measured recall, see
 * core/index/choose-index-by-recall.ts). `npm run bench:advice [-- --small 1000 --large 100000 --seconds 10]`.
 * Targets: throughput ratio ≥ 0.5, p95 at 100k < 25 ms, citation agreement ≥ 0.99.
 * The one-off 1M run: `-- --large 1000000 --no-exact --name core-advice-1m` (no exact core
 * beside it, so no citation agreement; target p95 < 50 ms; NODE_OPTIONS=--max-old-space-size=12000).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { getToken, startCore, type StartedCore } from '../test/support/start-core.ts';
import { loadAnswerQuestions } from '../core/eval/answer-questions.ts';
import { ADVICE_QUESTIONS } from './support/advice-questions.ts';
import { percentile, round, saveResults } from './support/results.ts';
import { writeSyntheticCorpus } from './support/synthetic-corpus.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const smallDocs = argument('small', 1_000);
const largeDocs = argument('large', 100_000);
const seconds = argument('seconds', 10);
const sequential = argument('requests', 300);
// The 1M run: no exact-search core over the same corpus (a second build as long as the first).
const withExact = !process.argv.includes('--no-exact');
const nameAt = process.argv.indexOf('--name');
const resultsName = nameAt > 0 ? process.argv[nameAt + 1]! : 'core-advice';

/** The fixed question set for citation agreement: the bench questions and the answer eval's. */
const agreementQuestions = [...ADVICE_QUESTIONS, ...(await loadAnswerQuestions('data/eval/answer-questions.jsonl')).map((question) => question.query)];

async function session(core: StartedCore) {
  const token = await getToken(core.url, 'admin', core.adminPassword);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const post = (query: string) => fetch(`${core.url}/v1/advice`, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const ask = async (query: string) => {
    const response = await post(query);
    const body = (await response.json()) as { sources?: { id: string }[] };
    if (response.status !== 200) throw new Error(`advice failed with ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  /** The cited document ids in order, or the problem code of a refused question (off-topic…). */
  const cite = async (query: string): Promise<string[]> => {
    const response = await post(query);
    const body = (await response.json()) as { sources?: { id: string }[]; code?: string };
    return response.status === 200 ? (body.sources ?? []).map((source) => source.id) : [`${response.status} ${body.code}`];
  };
  return { headers, ask, cite };
}

async function indexKind(core: StartedCore, headers: Record<string, string>): Promise<string | null> {
  const text = await (await fetch(`${core.url}/metrics`, { headers })).text();
  return /apfa_index_info\{[^}]*kind="([^"]+)"/.exec(text)?.[1] ?? null;
}

/** The live version's recorded index choice (manifest `index`: kind, params, measured recall), read from the core's data folder. */
function indexChoice(core: StartedCore): unknown {
  const manifests = readdirSync(core.dataDir, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('manifest.json'));
  return manifests.map((path) => (JSON.parse(readFileSync(join(core.dataDir, path), 'utf8')) as { index: unknown }).index).at(-1) ?? null;
}

async function citations(cite: (query: string) => Promise<string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for (const query of agreementQuestions) out.push(await cite(query));
  return out;
}

async function measure(label: string, corpusPath: string, documents: number, withCitations: boolean) {
  const startedAt = performance.now();
  // A 1M-document first build takes longer than the default wait for it (FIRST_INDEX_TIMEOUT_SECONDS 300).
  const core = await startCore({ CORPUS_PATH: corpusPath, FIRST_INDEX_TIMEOUT_SECONDS: '3600' });
  const startupMs = performance.now() - startedAt;
  try {
    const { headers, ask, cite } = await session(core);
    const latencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const t0 = performance.now();
      await ask(ADVICE_QUESTIONS[i % ADVICE_QUESTIONS.length]!);
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const load = await autocannon({
      url: `${core.url}/v1/advice`,
      connections: 8,
      duration: seconds,
      requests: ADVICE_QUESTIONS.map((query) => ({ method: 'POST', headers, body: JSON.stringify({ query }) })),
    });
    return {
      figures: {
        corpus: label,
        documents,
        indexKind: await indexKind(core, headers),
        indexChoice: indexChoice(core),
        startupMs: round(startupMs),
        sequentialRequests: sequential,
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        p99Ms: round(percentile(latencies, 99)),
        concurrency8RequestsPerSecond: round(load.requests.average, 1),
        concurrency8P99Ms: load.latency.p99,
        non2xx: load.non2xx,
        errors: load.errors,
      },
      citations: withCitations ? await citations(cite) : [],
    };
  } finally {
    await core.stop();
  }
}

async function exactCitations(corpusPath: string, documents: number) {
  const core = await startCore({ CORPUS_PATH: corpusPath, INDEX_IVF_THRESHOLD: String(documents + 1) });
  try {
    const { headers, cite } = await session(core);
    return { indexKind: await indexKind(core, headers), citations: await citations(cite) };
  } finally {
    await core.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'apfa-bench-corpus-'));
try {
  const smallPath = join(dir, 'small.jsonl');
  const largePath = join(dir, 'large.jsonl');
  writeSyntheticCorpus(smallPath, smallDocs);
  writeSyntheticCorpus(largePath, largeDocs);
  const small = await measure(`synthetic ${smallDocs} documents`, smallPath, smallDocs, false);
  console.log('small', small.figures);
  const large = await measure(`synthetic ${largeDocs} documents`, largePath, largeDocs, true);
  console.log('large', large.figures);
  const exact = withExact ? await exactCitations(largePath, largeDocs) : undefined;
  const agreeing = exact ? large.citations.filter((ids, i) => JSON.stringify(ids) === JSON.stringify(exact.citations[i])).length : 0;
  const throughputRatio = round(large.figures.concurrency8RequestsPerSecond / small.figures.concurrency8RequestsPerSecond, 3);
  const citationAgreement = exact ? round(agreeing / agreementQuestions.length, 4) : null;
  const targets = {
    throughputRatioAtLeast0_5: throughputRatio >= 0.5,
    ...(largeDocs >= 1_000_000 ? { largeP95Under50MsAt1M: large.figures.p95Ms < 50 } : { largeP95Under25Ms: large.figures.p95Ms < 25 }),
    citationAgreementAtLeast0_99: citationAgreement === null ? null : citationAgreement >= 0.99,
  };
  saveResults(resultsName, {
    generator: 'extractive-v1',
    embedder: 'lexical-hash-v1',
    retrieval: 'auto (BM25 alone with the lexical embedder)',
    small: small.figures,
    large: large.figures,
    throughputRatio,
    citationAgreement,
    citationQuestions: agreementQuestions.length,
    exactIndexKind: exact?.indexKind ?? null,
    indexKind: large.figures.indexKind,
    targets,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
