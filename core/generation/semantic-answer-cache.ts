import type { BorrowerProfile } from '../../shared/contracts/advice.ts';
import type { GenerationResult, Passage } from '../ports/generator.ts';

export interface SemanticAnswerCacheOptions {
  /** Cosine similarity at or above which a cached question counts as the same (default 0.95). */
  threshold?: number;
  /** Most answers kept; the least recently used go first (default 1,000). */
  maxEntries?: number;
  /** Lifetime of an answer (default 10 minutes). */
  ttlMs?: number;
  now?: () => number;
}

/** Where an answer may be reused: same index version, same profile bucket, same passages. */
export interface AnswerScope {
  indexVersion: string;
  profile?: BorrowerProfile | undefined;
  passages: readonly Passage[];
}

interface Entry {
  partition: string;
  vector: Float32Array;
  profile: BorrowerProfile | undefined;
  result: GenerationResult;
  expiresAt: number;
}

/**
 * Reuses model answers for questions that mean the same thing. An answer is found only within
 * its partition — index version, profile bucket and the exact passages (ids and citation order),
 * so its citations point at the same sources — and only when the new question's embedding has
 * cosine ≥ `threshold` with the cached one's. An answer that quotes a figure of the earlier
 * borrower's profile that differs from the new one (say "$200,000" for a $210,000 home in the same
 * bucket) is not reused. Bounded: LRU over `maxEntries`, each entry living `ttlMs`.
 */
export class SemanticAnswerCache {
  readonly #threshold: number;
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Insertion order is recency order: a hit is moved to the end, eviction takes the front. */
  readonly #entries = new Map<Entry, true>();
  readonly #partitions = new Map<string, Set<Entry>>();

  constructor(options: SemanticAnswerCacheOptions = {}) {
    this.#threshold = options.threshold ?? 0.95;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#ttlMs = options.ttlMs ?? 600_000;
    this.#now = options.now ?? Date.now;
    if (!(this.#threshold > 0 && this.#threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${this.#threshold}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached answer for the most similar question in scope, if similar enough and still fresh. */
  lookup(scope: AnswerScope, vector: Float32Array): { result: GenerationResult; similarity: number } | undefined {
    const partition = this.#partitions.get(partitionKey(scope));
    if (!partition) return undefined;
    const now = this.#now();
    let best: { entry: Entry; similarity: number } | undefined;
    for (const entry of partition) {
      if (entry.expiresAt <= now) {
        this.#remove(entry);
        continue;
      }
      const similarity = cosine(entry.vector, vector);
      if (similarity >= this.#threshold && (!best || similarity > best.similarity) && !quotesOtherFigures(entry.result.text, entry.profile, scope.profile)) {
        best = { entry, similarity };
      }
    }
    if (!best) return undefined;
    this.#entries.delete(best.entry);
    this.#entries.set(best.entry, true);
    return { result: best.entry.result, similarity: best.similarity };
  }

  store(scope: AnswerScope, vector: Float32Array, result: GenerationResult): void {
    const entry: Entry = { partition: partitionKey(scope), vector: Float32Array.from(vector), profile: scope.profile, result, expiresAt: this.#now() + this.#ttlMs };
    this.#entries.set(entry, true);
    const partition = this.#partitions.get(entry.partition) ?? new Set<Entry>();
    partition.add(entry);
    this.#partitions.set(entry.partition, partition);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (!oldest) break;
      this.#remove(oldest);
    }
  }

  #remove(entry: Entry): void {
    this.#entries.delete(entry);
    const partition = this.#partitions.get(entry.partition);
    partition?.delete(entry);
    if (partition?.size === 0) this.#partitions.delete(entry.partition);
  }
}

function partitionKey(scope: AnswerScope): string {
  return JSON.stringify([scope.indexVersion, profileBucket(scope.profile), scope.passages.map((passage) => [passage.citation, passage.id])]);
}

/**
 * A coarse description of a borrower profile: what advice depends on, not the exact figures.
 * Credit scores in 20-point bands (the programs' cut-offs — 580, 620, 640… — fall on band edges),
 * loan-to-value, down-payment share and debt-to-income in 5-point bands, amounts in 25% steps,
 * and the categorical fields as given.
 */
export function profileBucket(profile: BorrowerProfile | undefined): string {
  if (!profile) return 'none';
  const parts: string[] = [];
  const band = (value: number, width: number) => Math.floor(value / width) * width;
  if (profile.creditScore !== undefined) parts.push(`credit:${band(profile.creditScore, 20)}`);
  if (profile.propertyValue !== undefined && profile.propertyValue > 0) {
    if (profile.loanAmount !== undefined) parts.push(`ltv:${band((100 * profile.loanAmount) / profile.propertyValue, 5)}`);
    if (profile.downPayment !== undefined) parts.push(`down:${band((100 * profile.downPayment) / profile.propertyValue, 5)}`);
  }
  if (profile.annualIncome !== undefined && profile.annualIncome > 0 && profile.monthlyDebt !== undefined) {
    parts.push(`dti:${band((1200 * profile.monthlyDebt) / profile.annualIncome, 5)}`);
  }
  const magnitude = (value: number) => (value <= 0 ? 0 : Math.floor(Math.log(value) / Math.log(1.25)));
  for (const field of ['loanAmount', 'propertyValue', 'downPayment', 'annualIncome', 'monthlyDebt'] as const) {
    const value = profile[field];
    if (value !== undefined) parts.push(`${field}:${magnitude(value)}`);
  }
  for (const field of ['loanPurpose', 'loanTermYears', 'firstTimeBuyer', 'veteran', 'state'] as const) {
    const value = profile[field];
    if (value !== undefined) parts.push(`${field}:${String(value)}`);
  }
  return parts.join('|');
}

/** True when `text` states a number from `cachedProfile` that the new profile does not have. */
function quotesOtherFigures(text: string, cachedProfile: BorrowerProfile | undefined, newProfile: BorrowerProfile | undefined): boolean {
  if (!cachedProfile) return false;
  const stated = new Set((text.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map((number) => Number(number.replaceAll(',', ''))));
  for (const [field, value] of Object.entries(cachedProfile)) {
    if (typeof value !== 'number' || newProfile?.[field as keyof BorrowerProfile] === value) continue;
    if (stated.has(value)) return true;
  }
  return false;
}

function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
