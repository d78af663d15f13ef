import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ADMISSION_SCRIPT } from '../../edge/http/admission-script.ts';
import { sha1Hex } from './lua-shebang.ts';

/**
 * Plain commands the bridge passes to Redis: what the edge sends through @upstash/redis (GET,
 * MGET, SET with EX, INCR), what the container health check sends (PING) and the everyday
 * string/hash/key commands its tests use. Everything else — FLUSHALL, CONFIG, KEYS, FUNCTION,
 * FCALL, MODULE, DEBUG, … — is refused.
 */
const PLAIN_COMMANDS = new Set([
  'ping', 'echo',
  'get', 'mget', 'set', 'setex', 'incr', 'incrby', 'decr', 'decrby', 'del', 'exists',
  'ttl', 'pttl', 'expire', 'pexpire',
  'hset', 'hget', 'hmget', 'hgetall', 'hincrby', 'hdel',
]);

const SCRIPT_COMMANDS = new Set(['eval', 'eval_ro', 'evalsha', 'evalsha_ro']);

/**
 * SHA-1s of the Lua scripts the installed @upstash/ratelimit runs (its `{ script, hash }` table),
 * read from the package so an upgrade keeps working; a script whose SHA is not here is refused.
 */
export function ratelimitScriptHashes(): Set<string> {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('@upstash/ratelimit'), 'utf8');
  const hashes = new Set([...source.matchAll(/hash:\s*"([0-9a-f]{40})"/g)].map((match) => match[1]!));
  if (hashes.size === 0) throw new Error('no Lua script hashes found in @upstash/ratelimit; the bridge would refuse every rate limit');
  return hashes;
}

/**
 * The scripts the bridge runs: @upstash/ratelimit's and the edge's admission script
 * (edge/http/admission-script.ts: sliding window plus the advice cache read), by SHA-1.
 */
export function allowedScriptHashes(): Set<string> {
  return new Set([...ratelimitScriptHashes(), sha1Hex(ADMISSION_SCRIPT)]);
}

/** Why a command is refused, or undefined when it may run. Script bodies are checked by SHA-1 before any rewriting. */
export function refusalOf(command: readonly [string, ...Array<string | number>], allowedScripts: ReadonlySet<string>): string | undefined {
  const [rawName, ...args] = command;
  const name = rawName.toLowerCase();
  if (PLAIN_COMMANDS.has(name)) return undefined;
  if (SCRIPT_COMMANDS.has(name)) {
    const first = args[0];
    if (typeof first !== 'string') return `${rawName} needs a script`;
    const sha = name.startsWith('evalsha') ? first.toLowerCase() : sha1Hex(first);
    return allowedScripts.has(sha) ? undefined : `${rawName} of a script that is not one of the allowed scripts (the edge's admission script, @upstash/ratelimit's)`;
  }
  if (name === 'script') {
    const sub = String(args[0] ?? '').toLowerCase();
    if (sub === 'exists') return undefined;
    if (sub === 'load' && typeof args[1] === 'string' && allowedScripts.has(sha1Hex(args[1]))) return undefined;
    return `SCRIPT ${String(args[0] ?? '')} is not allowed`;
  }
  return `command ${rawName} is not allowed`;
}
