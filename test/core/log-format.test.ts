import { describe, expect, it } from 'vitest';
import { parseCoreConfig } from '../../core/config.ts';
import { formatLogRecord, formatStartupSummary, resolveLogFormat } from '../../core/log-format.ts';
import { createLogger } from '../../core/logger.ts';

const capture = () => {
  const chunks: string[] = [];
  return { chunks, destination: { write: (text: string) => void chunks.push(text) } };
};

describe('LOG_FORMAT', () => {
  it('is auto by default: pretty on a terminal, JSON otherwise; json and pretty force one', () => {
    expect(parseCoreConfig({}).LOG_FORMAT).toBe('auto');
    expect(() => parseCoreConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT/);
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });
});

describe('formatLogRecord', () => {
  const time = new Date(2026, 0, 2, 3, 4, 5).getTime();

  it('puts short fields on the message line and hides pino bookkeeping', () => {
    const line = formatLogRecord({ level: 30, time, pid: 1, hostname: 'h', name: 'apfa-core', msg: 'index loaded', version: 'abc', documents: 55 });
    expect(line).toBe('03:04:05 INFO  index loaded  version=abc documents=55');
  });

  it('puts long fields on aligned lines under the message', () => {
    const lines = formatLogRecord({ level: 40, time, msg: 'APFA core starting', mode: 'all', database: `pglite (${'/x'.repeat(40)})`, objectStore: 'local-folder (/y)' }).split('\n');
    expect(lines[0]).toBe('03:04:05 WARN  APFA core starting');
    expect(lines.slice(1).map((line) => line.trimStart().split(/\s{2,}/)[0])).toEqual(['mode', 'database', 'objectStore']);
    const valueColumns = lines.slice(1).map((line) => line.search(/(?<=\S {2,})\S/));
    expect(new Set(valueColumns).size).toBe(1);
  });

  it('prints an error stack as it is', () => {
    const text = formatLogRecord({ level: 50, time, msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (y.ts:1:1)' } });
    expect(text).toContain('Error: boom\n');
    expect(text).toContain('at x (y.ts:1:1)');
  });
});

describe('createLogger', () => {
  it('writes JSON lines by default and pretty lines with format pretty, redacting both', () => {
    const json = capture();
    createLogger({ level: 'info', destination: json.destination }).info({ password: 'hunter2-secret' }, 'signed in');
    const record = JSON.parse(json.chunks.join('')) as Record<string, unknown>;
    expect(record).toMatchObject({ msg: 'signed in', password: '[redacted]' });

    const pretty = capture();
    createLogger({ level: 'info', destination: pretty.destination, format: 'pretty' }).info({ password: 'hunter2-secret', email: 'ann@example.com' }, 'signed in');
    const text = pretty.chunks.join('');
    expect(text).toMatch(/^\d\d:\d\d:\d\d INFO  signed in  password=\[redacted\]/);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('ann@example.com');
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('formatStartupSummary', () => {
  it('lists database, store, runner, embedder, generator and the URLs in aligned lines', () => {
    const summary = formatStartupSummary(
      { mode: 'all', database: 'pglite (/d/pglite)', objectStore: 'local-folder (/d/objects)', jobs: 'in-process', embedder: 'lexical (no model)', retrieval: 'auto', generator: 'extractive (extractive-v1)', liveFeed: 'in-memory' },
      'http://127.0.0.1:8080',
    );
    const rows = summary.split('\n').filter((line) => /^ {2}\S/.test(line)).slice(1);
    expect(rows.map((row) => row.trim().split(/\s{2,}/))).toEqual([
      ['mode', 'all'],
      ['database', 'pglite (/d/pglite)'],
      ['object store', 'local-folder (/d/objects)'],
      ['job runner', 'in-process'],
      ['embedder', 'lexical (no model)'],
      ['retrieval', 'auto'],
      ['generator', 'extractive (extractive-v1)'],
      ['API', 'http://127.0.0.1:8080'],
      ['API reference', 'http://127.0.0.1:8080/docs'],
    ]);
    expect(new Set(rows.map((row) => row.search(/(?<=\S {2,})\S/))).size).toBe(1);
    expect(summary).not.toContain('liveFeed');
  });
});
