import type { RejectedRow } from '../ports/document-source.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import type { RowsRead, SourceRow } from './source-rows.ts';

const NEWLINE = 0x0a;

/**
 * Parses JSON Lines: one object per line, row = line number; blank lines are skipped. Lines are
 * decoded one at a time from the bytes, so a file longer than the longest string V8 can hold
 * (~512 MiB: a corpus of a million documents) reads like any other.
 */
export function readJsonlRows(bytes: Uint8Array): RowsRead {
  const rows: SourceRow[] = [];
  const rejected: RejectedRow[] = [];
  const decoder = new TextDecoder();
  let start = 0;
  for (let index = 0; start <= bytes.length; index += 1) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    const line = decoder.decode(bytes.subarray(start, end));
    start = end + 1;
    readLine(line, index + 1);
  }
  return { rows, rejected, fingerprint: contentFingerprint(bytes) };

  function readLine(line: string, row: number): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      rejected.push({ row, reason: 'not valid JSON' });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      rejected.push({ row, reason: 'not a JSON object' });
      return;
    }
    rows.push({ row, values: value as Record<string, unknown> });
  }
}
