import { describe, expect, it } from 'vitest';
import { readJsonlRows } from '../../../core/sources/jsonl-rows.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readJsonlRows', () => {
  it('reads one object per line by line number: blank lines skipped, CRLF and non-ASCII intact, bad lines rejected with their row', () => {
    const read = readJsonlRows(bytes('\uFEFF{"id":"a","text":"Café — 3½ %"}\r\n\n  \n[1,2]\n{"id":"b"\nnull\n{"id":"c","text":"last, no newline"}'));
    expect(read.rows).toEqual([
      { row: 1, values: { id: 'a', text: 'Café — 3½ %' } },
      { row: 7, values: { id: 'c', text: 'last, no newline' } },
    ]);
    expect(read.rejected).toEqual([
      { row: 4, reason: 'not a JSON object' },
      { row: 5, reason: 'not valid JSON' },
      { row: 6, reason: 'not a JSON object' },
    ]);
  });

  it('reads an empty file and a file ending in a newline without phantom rows', () => {
    expect(readJsonlRows(bytes('')).rows).toEqual([]);
    expect(readJsonlRows(bytes('{"id":"a"}\n')).rows).toEqual([{ row: 1, values: { id: 'a' } }]);
  });

  it('keeps every line of a large file at its own row, multi-byte characters intact', () => {
    // Lines are cut at newline bytes; a multi-byte character never holds one in UTF-8.
    const lines = Array.from({ length: 20_000 }, (_, index) => JSON.stringify({ id: `doc-${index}`, text: `note ${index} ü` }));
    const read = readJsonlRows(bytes(`${lines.join('\n')}\n`));
    expect(read.rows).toHaveLength(20_000);
    expect(read.rows.at(-1)).toEqual({ row: 20_000, values: { id: 'doc-19999', text: 'note 19999 ü' } });
  });
});
