import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** Prints a result table and writes bench/results/<name>.json with machine facts. */
export function saveResults(name: string, results: Record<string, unknown>): void {
  const record = {
    benchmark: name,
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    results,
  };
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  console.log(`saved ${path}`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Deterministic PRNG (mulberry32) so runs are comparable. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unit vectors around `clusters` random centres: shaped like embedded text, not uniform noise. */
export function clusteredVectors(count: number, dimension: number, clusters: number, seed = 1): Float32Array {
  const next = random(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const centres = new Float32Array(clusters * dimension);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian();
  const out = new Float32Array(count * dimension);
  for (let row = 0; row < count; row++) {
    const centre = Math.floor(next() * clusters);
    let norm = 0;
    for (let d = 0; d < dimension; d++) {
      const value = centres[centre * dimension + d]! + 0.6 * gaussian();
      out[row * dimension + d] = value;
      norm += value * value;
    }
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dimension; d++) out[row * dimension + d]! /= norm;
  }
  return out;
}
