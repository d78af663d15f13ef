import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configDrift, parsedVariables, recordReads } from '../../scripts/config-docs.ts';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe("README configuration tables", () => {
  it('list every variable core, the edge and the Upstash bridge parse, nothing else, with their schema defaults', () => {
    for (const drift of configDrift(readme)) {
      expect(drift, `${drift.tier}: run npm run docs:config`).toEqual({ tier: drift.tier, undocumented: [], unparsed: [], wrongDefaults: [] });
    }
  });

  it('find the variables read outside the zod schemas too (generator settings for every GENERATOR)', () => {
    const parsed = parsedVariables();
    for (const name of ['LLM_MAX_CONTEXT_CHARS', 'LLM_TEMPERATURE', 'LLM_THREADS', 'LLM_MAX_TOKENS', 'LLM_CONTEXT_SIZE', 'ANSWER_CACHE_TTL_SECONDS', 'ANSWER_CACHE_MAX_ENTRIES', 'LEXICAL_REFIT_FRACTION', 'WORKERS_AI_API_TOKEN', 'LOG_FORMAT']) {
      expect(parsed.core.has(name), name).toBe(true);
    }
    expect([...parsed.bridge].sort()).toEqual(['REDIS_URL', 'UPSTASH_BRIDGE_HOST', 'UPSTASH_BRIDGE_PORT', 'UPSTASH_BRIDGE_TOKEN']);
    expect(parsed.edge.has('CORE_URL')).toBe(true);
  });

  it('report a missing row, a row nothing parses and a wrong default', () => {
    const edited = readme
      .replace(/^\| `LLM_TEMPERATURE`.*$/m, '')
      .replace(/^\| `LLM_MAX_TOKENS` \/ `LLM_TEMPERATURE` \/ `LLM_MAX_CONTEXT_CHARS` \|/m, '| `LLM_MAX_TOKENS` / `LLM_MAX_CONTEXT_CHARS` |')
      .replace('| `RETRIEVAL_TOP_K` | `4` |', '| `RETRIEVAL_TOP_K` | `5` |')
      .replace('| `KEY_PREFIX` | `apfa:` | Redis key prefix (same as core) |', '| `KEY_PREFIX` | `apfa:` | Redis key prefix (same as core) |\n| `EDGE_MADE_UP` | — | nothing reads it |');
    const drift = Object.fromEntries(configDrift(edited).map((entry) => [entry.tier, entry]));
    expect(drift.core?.undocumented).toEqual(['LLM_TEMPERATURE']);
    expect(drift.core?.wrongDefaults).toEqual([{ name: 'RETRIEVAL_TOP_K', readme: '5', schema: '4' }]);
    expect(drift.edge?.unparsed).toEqual(['EDGE_MADE_UP']);
  });

  it('records what a new schema reads, even when parsing fails', () => {
    const schema = z.object({ NEW_SETTING: z.string(), OTHER: z.coerce.number().default(1) });
    expect([...recordReads((env) => schema.parse(env))].sort()).toEqual(['NEW_SETTING', 'OTHER']);
  });
});
