import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/errors/app-error.ts';
import type { Retriever } from '../retrieval/retriever.ts';
import { meanMetrics, scoreRanking } from './retrieval-metrics.ts';
import type { QueryJudgements, QueryMetrics } from './retrieval-metrics.ts';

/** One corpus document of a BEIR dataset. */
export interface BeirDocument {
  id: string;
  title: string;
  text: string;
}

/** A BEIR dataset split: corpus, the queries that have judgements, and the judgements. */
export interface BeirDataset {
  corpus: BeirDocument[];
  /** Queries present both in queries.jsonl and in the split's qrels, in qrels order. */
  queries: { id: string; text: string }[];
  qrels: Map<string, QueryJudgements>;
}

/**
 * Loads a dataset in the BEIR layout: `corpus.jsonl` ({_id, title, text}), `queries.jsonl`
 * ({_id, text}) and `qrels/<split>.tsv` (query-id, corpus-id, score; header optional; LF or CRLF).
 * AppError 'validation-failed' on unreadable files or malformed lines, naming file and line.
 */
export async function loadBeirDataset(dir: string, split = 'test'): Promise<BeirDataset> {
  const corpus = (await readJsonLines(join(dir, 'corpus.jsonl'))).map(({ record, where }) => ({
    id: requireString(record, '_id', where),
    title: optionalString(record, 'title', where),
    text: optionalString(record, 'text', where),
  }));
  const queryText = new Map<string, string>();
  for (const { record, where } of await readJsonLines(join(dir, 'queries.jsonl'))) {
    queryText.set(requireString(record, '_id', where), optionalString(record, 'text', where));
  }
  const qrels = await readQrels(join(dir, 'qrels', `${split}.tsv`));
  const queries: BeirDataset['queries'] = [];
  for (const id of qrels.keys()) {
    const text = queryText.get(id);
    if (text !== undefined) queries.push({ id, text });
  }
  return { corpus, queries, qrels };
}

/** The text a BEIR document is indexed as (BEIR/MTEB convention): title, a space, body. */
export function beirDocumentText(document: { title: string; text: string }): string {
  return document.title ? `${document.title} ${document.text}` : document.text;
}

export interface BeirEvaluation extends QueryMetrics {
  queries: number;
  perQuery: Map<string, QueryMetrics>;
}

/**
 * Runs each query through the retriever (top 100; labels index `dataset.corpus`) and averages
 * nDCG@10, Recall@100 and MRR@10 over the queries with judgements.
 */
export async function evaluateRetriever(retriever: Retriever, dataset: BeirDataset, options: { limit?: number } = {}): Promise<BeirEvaluation> {
  const queries = options.limit === undefined ? dataset.queries : dataset.queries.slice(0, options.limit);
  const perQuery = new Map<string, QueryMetrics>();
  for (const query of queries) {
    const hits = await retriever.retrieve(query.text, 100);
    const ranking = hits.map((hit) => dataset.corpus[hit.label]?.id).filter((id): id is string => id !== undefined);
    perQuery.set(query.id, scoreRanking(ranking, dataset.qrels.get(query.id) ?? new Map()));
  }
  return { ...meanMetrics([...perQuery.values()]), queries: perQuery.size, perQuery };
}

async function readLines(path: string): Promise<string[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('validation-failed', { detail: `cannot read ${path}`, cause: error });
  }
  return content.split('\n').map((line) => line.replace(/\r$/, ''));
}

async function readJsonLines(path: string): Promise<{ record: Record<string, unknown>; where: string }[]> {
  const records: { record: Record<string, unknown>; where: string }[] = [];
  (await readLines(path)).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new AppError('validation-failed', { detail: `${where}: not JSON`, cause: error });
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new AppError('validation-failed', { detail: `${where}: not a JSON object` });
    }
    records.push({ record: record as Record<string, unknown>, where });
  });
  return records;
}

async function readQrels(path: string): Promise<Map<string, Map<string, number>>> {
  const qrels = new Map<string, Map<string, number>>();
  (await readLines(path)).forEach((line, i) => {
    if (line.trim() === '') return;
    const [queryId, documentId, score, ...rest] = line.split('\t');
    if (i === 0 && queryId === 'query-id') return;
    const grade = Number(score);
    if (!queryId || !documentId || rest.length > 0 || score === undefined || !Number.isFinite(grade)) {
      throw new AppError('validation-failed', { detail: `${path}:${i + 1}: expected query-id<TAB>corpus-id<TAB>score` });
    }
    let judgements = qrels.get(queryId);
    if (!judgements) qrels.set(queryId, (judgements = new Map()));
    judgements.set(documentId, grade);
  });
  return qrels;
}

function requireString(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new AppError('validation-failed', { detail: `${where}: missing string "${key}"` });
}

function optionalString(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new AppError('validation-failed', { detail: `${where}: "${key}" is not a string` });
}
