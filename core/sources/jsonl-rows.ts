import type { RejectedRow } from '../ports/document-source.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import type { RowsRead, SourceRow } from './source-rows.ts';

/** Parses JSON Lines: one object per line, row = line number; blank lines are skipped. */
export function readJsonlRows(bytes: Uint8Array): RowsRead {
  const rows: SourceRow[] = [];
  const rejected: RejectedRow[] = [];
  const lines = new TextDecoder().decode(bytes).split('\n');
  lines.forEach((line, index) => {
    const row = index + 1;
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
  });
  return { rows, rejected, fingerprint: contentFingerprint(bytes) };
}
