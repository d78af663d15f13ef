import { describe, expect, it } from 'vitest';
import { queryHalf, selectQueryHalf } from '../../../core/eval/beir-query-split.ts';
import type { BeirDataset } from '../../../core/eval/beir.ts';

describe('BEIR query halves', () => {
  it('puts each query id in a fixed half by a hash of the id (FNV-1a), whatever the order or text', () => {
    // FNV-1a 32-bit of "1" is 0x340ca71c, an even hash: pinned so the halves never move.
    const ids = Array.from({ length: 1000 }, (_, i) => String(i + 1));
    const halves = ids.map(queryHalf);
    expect(ids.map(queryHalf)).toEqual(halves);
    const dev = halves.filter((half) => half === 'dev').length;
    expect(dev).toBeGreaterThan(430);
    expect(dev).toBeLessThan(570);
    expect(queryHalf('1')).toBe('dev');
  });

  it('selects a half without touching the corpus or the judgements', () => {
    const dataset: BeirDataset = {
      corpus: [{ id: 'd1', title: '', text: 'x' }],
      queries: ['1', '2', '3', '4', '5', '6'].map((id) => ({ id, text: `q${id}` })),
      qrels: new Map([['1', new Map([['d1', 1]])]]),
    };
    const dev = selectQueryHalf(dataset, 'dev');
    const test = selectQueryHalf(dataset, 'test');
    expect(dev.corpus).toBe(dataset.corpus);
    expect(dev.qrels).toBe(dataset.qrels);
    expect([...dev.queries, ...test.queries].map((query) => query.id).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(dev.queries.every((query) => queryHalf(query.id) === 'dev')).toBe(true);
    expect(selectQueryHalf(dataset, 'all')).toBe(dataset);
  });
});
