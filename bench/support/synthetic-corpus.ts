import { appendFileSync, writeFileSync } from 'node:fs';
import { random } from './results.ts';

const TOPICS = [
  ['FHA', 'mortgage insurance premium', 'down payment', 'credit score', '580', '3.5 percent'],
  ['VA loan', 'funding fee', 'eligibility', 'certificate', 'no private mortgage insurance'],
  ['USDA', 'rural', 'income limit', 'guarantee fee', 'eligible area'],
  ['refinance', 'break-even', 'closing costs', 'rate reduction', 'term'],
  ['debt-to-income', 'monthly debt', 'gross income', 'qualified mortgage', '43 percent'],
  ['APR', 'interest rate', 'fees', 'finance charge', 'loan estimate'],
  ['PMI', 'loan-to-value', '80 percent', 'cancellation', 'appraisal'],
  ['auto loan', 'term length', 'dealer markup', 'total interest', 'preapproval'],
  ['student loan', 'income-driven repayment', 'consolidation', 'forgiveness', 'servicer'],
  ['HELOC', 'home equity', 'draw period', 'variable rate', 'lien'],
  ['credit card', 'utilization', 'minimum payment', 'revolving balance', 'late fee'],
  ['predatory lending', 'balloon payment', 'prepayment penalty', 'loan flipping', 'equity stripping'],
];
const FILLER = ['lenders', 'borrowers', 'typically', 'review', 'documents', 'monthly', 'payment', 'history', 'compare', 'offers', 'costs', 'over', 'time', 'may', 'require', 'additional', 'reserves', 'before', 'closing'];

/** Writes `count` synthetic lending documents as JSONL (deterministic), for scale benchmarks. */
export function writeSyntheticCorpus(path: string, count: number, seed = 42): void {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  writeFileSync(path, '');
  // In chunks: a 1M-document corpus is longer than the longest string V8 can hold.
  let lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const topic = pick(TOPICS);
    const words: string[] = [];
    for (let w = 0; w < 70; w++) words.push(next() < 0.35 ? pick(topic) : pick(FILLER));
    const text = `${words.join(' ')}.`;
    lines.push(JSON.stringify({ id: `doc-${i}`, title: `${topic[0]} note ${i}`, text }));
    if (lines.length === 10_000 || i === count - 1) {
      appendFileSync(path, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
}
