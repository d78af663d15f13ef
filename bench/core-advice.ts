/**
 * Core uncached advice latency (extractive generator): p50/p95/p99 over sequential requests and
 * throughput under concurrency, on the demo corpus and on a synthetic 100k-document corpus.
 * `npm run bench:advice [-- --docs 100000 --seconds 10]`. Target: p95 < 100 ms at 100k documents.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { getToken, startCore } from '../test/support/start-core.ts';
import { ADVICE_QUESTIONS } from './support/advice-questions.ts';
import { percentile, round, saveResults } from './support/results.ts';
import { writeSyntheticCorpus } from './support/synthetic-corpus.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const syntheticDocs = argument('docs', 100_000);
const seconds = argument('seconds', 10);
const sequential = argument('requests', 300);


async function measure(label: string, env: Record<string, string>) {
  const startedAt = performance.now();
  const core = await startCore(env);
  const startupMs = performance.now() - startedAt;
  try {
    const token = await getToken(core.url, 'admin', core.adminPassword);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const latencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const body = JSON.stringify({ query: ADVICE_QUESTIONS[i % ADVICE_QUESTIONS.length] });
      const t0 = performance.now();
      const response = await fetch(`${core.url}/v1/advice`, { method: 'POST', headers, body });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`advice failed with ${response.status}`);
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
      corpus: label,
      startupMs: round(startupMs),
      sequentialRequests: sequential,
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
      concurrency8RequestsPerSecond: round(load.requests.average, 1),
      concurrency8P99Ms: load.latency.p99,
      non2xx: load.non2xx,
      errors: load.errors,
    };
  } finally {
    await core.stop();
  }
}

const demo = await measure('demo corpus (data/corpus)', {});
const dir = mkdtempSync(join(tmpdir(), 'apfa-bench-corpus-'));
const corpusPath = join(dir, 'synthetic.jsonl');
writeSyntheticCorpus(corpusPath, syntheticDocs);
const synthetic = await measure(`synthetic ${syntheticDocs} documents`, { CORPUS_PATH: corpusPath });
rmSync(dir, { recursive: true, force: true });
saveResults('core-advice', { generator: 'extractive-v1', embedder: 'lexical-hash-v1', index: 'Flat', demo, synthetic, targetP95Under100msAt100k: synthetic.p95Ms < 100 });
