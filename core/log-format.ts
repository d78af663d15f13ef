/**
 * How core's log reads: JSON lines (pino, for machines) or short lines for a person at a
 * terminal. The records are the same; `pretty` only changes how each one is written.
 */
export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT: `auto` (pretty on a terminal, JSON otherwise), `json` or `pretty`. */
export type LogFormatSetting = 'auto' | LogFormat;

/** The format to write in, given LOG_FORMAT and whether stdout is a terminal. */
export function resolveLogFormat(setting: LogFormatSetting, stdoutIsTerminal: boolean): LogFormat {
  if (setting === 'auto') return stdoutIsTerminal ? 'pretty' : 'json';
  return setting;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields, not worth a person's attention on a terminal. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);
/** Past this many characters the fields go on their own aligned lines under the message. */
const INLINE_LIMIT = 100;
const INDENT = ' '.repeat(15);

const twoDigits = (value: number): string => String(value).padStart(2, '0');

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date();
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}`;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Object && 'stack' in value && typeof value.stack === 'string') return value.stack;
  return JSON.stringify(value) ?? String(value);
}

/**
 * One pino record as a person reads it: `12:00:01 INFO  message key=value …`, or, when the
 * fields are long, the message followed by one aligned `key  value` line per field. An error's
 * stack (`err`) is printed as is.
 */
export function formatLogRecord(record: Record<string, unknown>): string {
  const level = (LEVELS[Number(record.level)] ?? String(record.level)).padEnd(5);
  const head = `${clock(record.time)} ${level} ${typeof record.msg === 'string' ? record.msg : ''}`.trimEnd();
  const fields = Object.entries(record).filter(([key, value]) => !HIDDEN.has(key) && value !== undefined);
  if (fields.length === 0) return head;
  const inline = fields.map(([key, value]) => `${key}=${valueText(value)}`).join(' ');
  if (inline.length <= INLINE_LIMIT && !inline.includes('\n')) return `${head}  ${inline}`;
  const width = Math.max(...fields.map(([key]) => key.length));
  const lines = fields.map(([key, value]) => `${INDENT}${key.padEnd(width)}  ${valueText(value).replace(/\n/g, `\n${INDENT}`)}`);
  return [head, ...lines].join('\n');
}

/**
 * A pino destination that writes each record through `formatLogRecord` (a line that is not
 * JSON is passed through unchanged).
 */
export function createPrettyDestination(write: (text: string) => void): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch {
          write(`${line}\n`);
          continue;
        }
        write(`${record !== null && typeof record === 'object' ? formatLogRecord(record as Record<string, unknown>) : line}\n`);
      }
    },
  };
}

/** What the startup summary shows, in order, with a person's label. */
const SUMMARY_ROWS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['mode', 'mode'],
  ['database', 'database'],
  ['objectStore', 'object store'],
  ['jobs', 'job runner'],
  ['embedder', 'embedder'],
  ['retrieval', 'retrieval'],
  ['generator', 'generator'],
];

/**
 * The few aligned lines printed on a terminal once core listens: what database, object store,
 * job runner, embedder and generator are in use, and where to reach it. Runtime entries not in
 * the list are left to the log.
 */
export function formatStartupSummary(runtime: Readonly<Record<string, string>>, url: string): string {
  const rows: Array<[string, string]> = SUMMARY_ROWS.filter(([key]) => runtime[key] !== undefined).map(([key, label]) => [label, runtime[key] ?? '']);
  rows.push(['API', url], ['API reference', `${url}/docs`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['', `  APFA core is ready`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''].join('\n');
}
