/**
 * `npm run docs:config`: checks the README's configuration tables against what the code parses.
 * The variables each tier reads are found by running its own parser (core's `parseCoreConfig`
 * with every GENERATOR kind, the edge's `parseEdgeConfig`, the bridge's `BridgeEnvSchema`) on an
 * environment that records every name it is asked for, so a variable added to a schema shows up
 * here without anyone listing it. Exits 1 and prints a ready-to-edit row for each variable parsed
 * but missing from its table, and names each table row that nothing parses, and each literal
 * default that differs from the schema's.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCoreConfig } from '../core/config.ts';
import { GeneratorSpecSchema } from '../core/generation/create-generator.ts';
import { BridgeEnvSchema } from '../dev/upstash-bridge/bridge-config.ts';
import { parseEdgeConfig } from '../edge/config.ts';

export type ConfigTier = 'core' | 'edge' | 'bridge';

/** The README heading that starts each tier's table. */
export const TABLE_HEADINGS: Record<ConfigTier, RegExp> = {
  core: /^## Configuration \(core\)/,
  edge: /^## Configuration \(edge\b/,
  bridge: /^## Configuration \(Upstash bridge\b/,
};

/** Names a parser reads from `env`, found by handing it an environment that records each read. */
export function recordReads(parse: (env: Record<string, string | undefined>) => unknown, preset: Record<string, string> = {}): Set<string> {
  const names = new Set<string>();
  const env = new Proxy(preset, {
    get(target, key) {
      if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) names.add(key);
      return typeof key === 'string' ? target[key] : undefined;
    },
  }) as Record<string, string | undefined>;
  try {
    parse(env);
  } catch {
    // Required settings are absent on purpose: the reads before the failure are what count.
  }
  return names;
}

/** Every environment variable each tier parses. */
export function parsedVariables(): Record<ConfigTier, Set<string>> {
  const core = new Set<string>();
  const kinds = GeneratorSpecSchema.options.map((option) => option.shape.kind.value);
  for (const kind of kinds) for (const name of recordReads(parseCoreConfig, { GENERATOR: kind })) core.add(name);
  return {
    core,
    edge: recordReads(parseEdgeConfig),
    bridge: recordReads((env) => BridgeEnvSchema.parse(env)),
  };
}

/** Defaults the schemas give when a variable is unset (primitive values only). */
export function schemaDefaults(): Record<ConfigTier, Map<string, string>> {
  const primitives = (values: Record<string, unknown>) =>
    new Map(
      Object.entries(values)
        .filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        .map(([key, value]) => [key, String(value)]),
    );
  const edge = parseEdgeConfig({ CORE_URL: 'http://127.0.0.1:8080', UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:8079', UPSTASH_REDIS_REST_TOKEN: 'token' });
  return {
    core: primitives(parseCoreConfig({}) as unknown as Record<string, unknown>),
    edge: primitives({ ...edge, CORE_URL: undefined, JWKS_URL: undefined }),
    bridge: primitives(BridgeEnvSchema.parse({})),
  };
}

export interface TableRow {
  /** Variables named in the first column. */
  names: string[];
  /** Backticked values of the default column, split at ` / ` like the names. */
  defaults: string[];
  /** Variables named anywhere in the row (a setting explained under another, e.g. DATABASE_SCHEMA). */
  mentioned: string[];
  line: string;
}

const VARIABLE = /`([A-Z][A-Z0-9_]+)`/g;

/** The rows of the table under a tier's heading. */
export function readTable(readme: string, tier: ConfigTier): TableRow[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => TABLE_HEADINGS[tier].test(line));
  if (start < 0) throw new Error(`README has no "${TABLE_HEADINGS[tier].source}" heading`);
  const rows: TableRow[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('| `')) continue;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1);
    const [first = '', second = ''] = cells;
    rows.push({
      names: [...first.matchAll(VARIABLE)].map((match) => match[1] ?? ''),
      defaults: second.split(' / ').map((part) => /^\s*`([^`]*)`\s*$/.exec(part)?.[1] ?? ''),
      mentioned: [...line.matchAll(VARIABLE)].map((match) => match[1] ?? ''),
      line,
    });
  }
  return rows;
}

export interface ConfigDrift {
  tier: ConfigTier;
  /** Parsed by the code, named nowhere in the table. */
  undocumented: string[];
  /** In the table's first column, parsed by nothing. */
  unparsed: string[];
  /** README literal default ≠ schema default. */
  wrongDefaults: Array<{ name: string; readme: string; schema: string }>;
}

/** Compares the README's tables with the parsers; empty lists everywhere means no drift. */
export function configDrift(readme: string): ConfigDrift[] {
  const parsed = parsedVariables();
  const defaults = schemaDefaults();
  return (Object.keys(TABLE_HEADINGS) as ConfigTier[]).map((tier) => {
    const rows = readTable(readme, tier);
    const mentioned = new Set(rows.flatMap((row) => row.mentioned));
    const named = new Set(rows.flatMap((row) => row.names));
    const wrongDefaults: ConfigDrift['wrongDefaults'] = [];
    for (const row of rows) {
      if (row.defaults.length !== row.names.length) continue;
      row.names.forEach((name, index) => {
        const readmeDefault = row.defaults[index] ?? '';
        const schemaDefault = defaults[tier].get(name);
        if (readmeDefault === '' || schemaDefault === undefined || schemaDefault.includes('/')) return;
        if (readmeDefault !== schemaDefault) wrongDefaults.push({ name, readme: readmeDefault, schema: schemaDefault });
      });
    }
    return {
      tier,
      undocumented: [...parsed[tier]].filter((name) => !mentioned.has(name)).sort(),
      unparsed: [...named].filter((name) => !parsed[tier].has(name)).sort(),
      wrongDefaults,
    };
  });
}

function main(): number {
  const readmePath = resolve(fileURLToPath(new URL('..', import.meta.url)), 'README.md');
  const drift = configDrift(readFileSync(readmePath, 'utf8'));
  const defaults = schemaDefaults();
  let problems = 0;
  for (const { tier, undocumented, unparsed, wrongDefaults } of drift) {
    for (const name of undocumented) {
      const fallback = defaults[tier].get(name);
      process.stdout.write(`${tier}: ${name} is parsed but not in the README; add a row:\n| \`${name}\` | ${fallback === undefined ? '—' : `\`${fallback}\``} | … |\n`);
    }
    for (const name of unparsed) process.stdout.write(`${tier}: ${name} is in the README but nothing parses it\n`);
    for (const { name, readme, schema } of wrongDefaults) process.stdout.write(`${tier}: ${name}'s default is \`${schema}\`, the README says \`${readme}\`\n`);
    problems += undocumented.length + unparsed.length + wrongDefaults.length;
  }
  if (problems === 0) process.stdout.write('README configuration tables match the parsed variables (core, edge, Upstash bridge).\n');
  return problems === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
