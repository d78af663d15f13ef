import type { LoggerOptions } from 'pino';
import { redactPersonalData } from './personal-data.ts';

const MAX_DEPTH = 8;

/**
 * A copy of `value` with personal data redacted from every string in it (object values and
 * array items, to depth 8; deeper values become '[depth]', cycles '[circular]'). Errors become
 * `{ type, message, stack }` with the message and stack redacted. Numbers, booleans and keys are
 * kept. Usable as a pino serializer for fields that may carry user text.
 */
export function redactPersonalDataDeep(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactPersonalData(value).text;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (value instanceof Error) {
      return { type: value.name, message: redactPersonalData(value.message).text, ...(value.stack ? { stack: redactPersonalData(value.stack).text } : {}) };
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = walk(item, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * pino options that redact personal data from every log line: `formatters.log` redacts the merged
 * object (all fields), and `hooks.logMethod` redacts string arguments, which covers the message
 * and printf-style interpolation values (`formatters.log` never sees the message).
 * Spread into the pino options: `pino({ ...personalDataLogRedaction(), redact: {...} })`.
 * Path-based `redact` (credentials) still applies; it runs after these.
 */
export function personalDataLogRedaction(): Pick<LoggerOptions, 'formatters' | 'hooks'> {
  return {
    formatters: {
      log: (object) => redactPersonalDataDeep(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((arg) => (typeof arg === 'string' ? redactPersonalData(arg).text : arg)) as typeof args;
        method.apply(this, redacted);
      },
    },
  };
}
