import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';

interface CorpusDoc {
  id: string;
  title: string;
  text: string;
  tags: string[];
}

const corpusUrl = new URL('../../data/corpus/lending-guide.jsonl', import.meta.url);
const raw = readFileSync(corpusUrl, 'utf8');
const lines = raw.split('\n').filter((line) => line.trim().length > 0);

function parseAll(): CorpusDoc[] {
  return lines.map((line) => JSON.parse(line) as CorpusDoc);
}

const wordCount = (s: string): number => s.trim().split(/\s+/).filter(Boolean).length;

describe('lending-guide corpus', () => {
  it('every line parses as a JSON object with the expected fields', () => {
    for (const [i, line] of lines.entries()) {
      let doc: unknown;
      expect(() => {
        doc = JSON.parse(line);
      }, `line ${i + 1}`).not.toThrow();
      const d = doc as Partial<CorpusDoc>;
      expect(typeof d.id, `line ${i + 1} id`).toBe('string');
      expect(typeof d.title, `line ${i + 1} title`).toBe('string');
      expect(typeof d.text, `line ${i + 1} text`).toBe('string');
      expect(Array.isArray(d.tags), `line ${i + 1} tags`).toBe(true);
      for (const tag of d.tags ?? []) expect(typeof tag).toBe('string');
    }
  });

  it('has at least 48 documents', () => {
    expect(parseAll().length).toBeGreaterThanOrEqual(48);
  });

  it('ids are unique and kebab-case', () => {
    const docs = parseAll();
    const ids = docs.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('titles are non-empty and unique', () => {
    const titles = parseAll().map((d) => d.title.trim());
    for (const t of titles) expect(t.length).toBeGreaterThan(0);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('every text is 150-400 words', () => {
    for (const d of parseAll()) {
      const n = wordCount(d.text);
      expect(n, d.id).toBeGreaterThanOrEqual(150);
      expect(n, d.id).toBeLessThanOrEqual(400);
    }
  });

  it('contains no angle brackets', () => {
    expect(raw.includes('<')).toBe(false);
    expect(raw.includes('>')).toBe(false);
  });

  it('covers the required topics', () => {
    const docs = parseAll();
    const topics = [
      'FHA',
      'VA',
      'USDA',
      'APR',
      'debt-to-income',
      'PMI',
      'refinanc',
      'student loan',
      'auto loan',
      'predatory',
      'ECOA',
    ];
    for (const topic of topics) {
      // Short acronyms must match as whole words (so "VA" does not match "value").
      const pattern = /^[A-Z]+$/.test(topic)
        ? new RegExp(`\\b${topic}\\b`)
        : new RegExp(topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      const hits = docs.filter((d) => pattern.test(`${d.title} ${d.text}`));
      expect(hits.length, `topic ${topic}`).toBeGreaterThan(0);
    }
  });
});
