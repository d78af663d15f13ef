import autocannon from 'autocannon';
import { measureCpu } from './process-cpu.ts';
import { percentile, round } from './results.ts';

/** One target of an interleaved comparison: where autocannon sends its POSTs, and which processes serve them. */
export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Process groups whose CPU time is charged to this target's requests (see process-cpu.ts). */
  pids: Record<string, number[]>;
}

/** What one target did over all its slices: the same shape for the edge and its ceiling. */
export interface LoadSummary {
  connections: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  /** CPU ms per completed request, per process group. */
  cpuMsPerRequest: Record<string, number>;
}

interface Accumulated {
  requests: number;
  seconds: number;
  latencies: number[];
  non2xx: number;
  errors: number;
  cpuSeconds: Record<string, number>;
}

const empty = (): Accumulated => ({ requests: 0, seconds: 0, latencies: [], non2xx: 0, errors: 0, cpuSeconds: {} });

/** One autocannon slice against a target, its completed requests and latencies added to `into`. */
async function slice(target: LoadTarget, connections: number, seconds: number, into: Accumulated): Promise<number> {
  const latencies: number[] = [];
  const { value: result, cpuSeconds } = await measureCpu(
    target.pids,
    () =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const options = { url: target.url, method: 'POST' as const, headers: target.headers, body: target.body, connections, duration: seconds };
        const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
        instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
      }),
  );
  const requests = result.requests.total;
  into.requests += requests;
  into.seconds += result.duration;
  for (const latency of latencies) into.latencies.push(latency);
  into.non2xx += result.non2xx;
  into.errors += result.errors;
  for (const [name, used] of Object.entries(cpuSeconds)) into.cpuSeconds[name] = (into.cpuSeconds[name] ?? 0) + used;
  return requests / result.duration;
}

function summarize(connections: number, data: Accumulated): LoadSummary {
  const sorted = Float64Array.from(data.latencies).sort();
  const at = (p: number) => round(percentile(Array.from(sorted), p), 2);
  return {
    connections,
    requests: data.requests,
    seconds: round(data.seconds, 2),
    requestsPerSecond: round(data.requests / Math.max(1e-9, data.seconds), 1),
    latencyP50Ms: at(50),
    latencyP90Ms: at(90),
    latencyP99Ms: at(99),
    latencyMaxMs: round(sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN, 2),
    non2xx: data.non2xx,
    errors: data.errors,
    cpuMsPerRequest: Object.fromEntries(Object.entries(data.cpuSeconds).map(([name, used]) => [name, round((used * 1000) / Math.max(1, data.requests), 3)])),
  };
}

/**
 * Targets under the same load, interleaved in short slices (ABC CBA blocks: each block runs them
 * in order, then in reverse, and the next block starts from the other end) so that a change in
 * the machine's load during the run reaches all alike. Each target gets `seconds` in all; its
 * requests/s is its completed requests over its own slices' time, its percentiles are over every
 * latency of its slices together. `blockRatios[name]` (its requests/s ÷ the first target's, per
 * block) shows how much a ratio moved during the run.
 */
export async function interleavedLoad<Name extends string>(
  targets: Record<Name, LoadTarget>,
  options: { connections: number; seconds: number; sliceSeconds: number },
): Promise<{ summaries: Record<Name, LoadSummary>; blockRatios: Record<Name, number[]> }> {
  const names = Object.keys(targets) as Name[];
  const data = Object.fromEntries(names.map((name) => [name, empty()])) as Record<Name, Accumulated>;
  const blockRatios = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  const blocks = Math.max(1, Math.round(options.seconds / (2 * options.sliceSeconds)));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  for (let block = 0; block < blocks; block += 1) {
    const forward = block % 2 === 0 ? names : [...names].reverse();
    const rates = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
    for (const name of [...forward, ...[...forward].reverse()]) rates[name].push(await slice(targets[name], options.connections, options.sliceSeconds, data[name]));
    const base = mean(rates[names[0]!]);
    for (const name of names) blockRatios[name].push(round(mean(rates[name]) / Math.max(1e-9, base), 3));
  }
  const summaries = Object.fromEntries(names.map((name) => [name, summarize(options.connections, data[name])])) as Record<Name, LoadSummary>;
  return { summaries, blockRatios };
}

/** One target alone for `seconds` (the bridge without a Worker). */
export async function soloLoad(target: LoadTarget, options: { connections: number; seconds: number }): Promise<LoadSummary> {
  const data = empty();
  await slice(target, options.connections, options.seconds, data);
  return summarize(options.connections, data);
}
