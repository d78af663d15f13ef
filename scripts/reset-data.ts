/**
 * `npm run reset [-- --yes] [-- --include-models]`: starts the embedded default over by deleting
 * what core stored under APFA_DATA_DIR (the PGlite database `pglite/` with its users, keys and
 * history, and the local object store `objects/` with the index versions). Downloaded models
 * (`models/`) are kept unless --include-models. Asks first unless --yes; without a terminal and
 * without --yes it refuses. It never deletes anything outside APFA_DATA_DIR, refuses a folder
 * holding anything core did not write there, and never touches PostgreSQL (DATABASE_URL) or
 * S3 (S3_ENDPOINT) data. Stop core before running it.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { CoreConfigSchema } from '../core/config.ts';

/** What core writes under APFA_DATA_DIR (core/runtime/storage.ts, the models-fetch default). */
const STATE_ENTRIES = ['pglite', 'objects'];
const MODEL_ENTRY = 'models';

export interface DataResetPlan {
  dataDir: string;
  /** Absolute paths to delete, all directly inside dataDir. */
  remove: string[];
  /** Entries left in place (models unless asked). */
  keep: string[];
  /** Lines for the person: what is not touched and why. */
  notes: string[];
}

export interface DataResetOptions {
  includeModels?: boolean;
  /** Folders that must never be the data folder or inside it (the repository, the home folder). */
  protectedFolders?: string[];
  env?: Record<string, string | undefined>;
}

const isInside = (parent: string, child: string): boolean => {
  const path = relative(parent, child);
  return !(path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path));
};

/** Decides what a reset deletes, or throws with the reason it refuses. Deletes nothing. */
export function planDataReset(dataDirSetting: string, options: DataResetOptions = {}): DataResetPlan {
  const dataDir = resolve(dataDirSetting);
  const env = options.env ?? {};
  for (const folder of [...(options.protectedFolders ?? []), homedir(), resolve('/')]) {
    if (isInside(dataDir, resolve(folder))) {
      throw new Error(`Refusing to reset ${dataDir}: it is (or contains) ${resolve(folder)}. Point APFA_DATA_DIR at core's own data folder.`);
    }
  }
  const notes: string[] = [];
  if (env.DATABASE_URL) notes.push('DATABASE_URL is set: the PostgreSQL database is not touched (drop its tables or schema yourself).');
  if (env.S3_ENDPOINT) notes.push('S3_ENDPOINT is set: the bucket is not touched (delete its objects yourself).');
  if (!existsSync(dataDir)) return { dataDir, remove: [], keep: [], notes };
  if (!statSync(dataDir).isDirectory()) throw new Error(`Refusing to reset ${dataDir}: it is not a folder.`);
  const entries = readdirSync(dataDir);
  const unknown = entries.filter((entry) => !STATE_ENTRIES.includes(entry) && entry !== MODEL_ENTRY);
  if (unknown.length > 0) {
    throw new Error(
      `Refusing to reset ${dataDir}: it holds ${unknown.map((entry) => `"${entry}"`).join(', ')}, which core did not write. ` +
        'Is APFA_DATA_DIR pointing at the right folder? Remove those yourself if they are yours to remove.',
    );
  }
  const removable = options.includeModels ? [...STATE_ENTRIES, MODEL_ENTRY] : STATE_ENTRIES;
  return {
    dataDir,
    remove: entries.filter((entry) => removable.includes(entry)).map((entry) => resolve(dataDir, entry)),
    keep: entries.filter((entry) => !removable.includes(entry)),
    notes,
  };
}

/** Deletes what the plan lists (each path checked again to lie inside the data folder). */
export function applyDataReset(plan: DataResetPlan): void {
  for (const path of plan.remove) {
    if (dirname(path) !== plan.dataDir) throw new Error(`Refusing to delete ${path}: not directly inside ${plan.dataDir}`);
    rmSync(path, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const unknownFlags = argv.filter((flag) => !['--yes', '-y', '--include-models'].includes(flag));
  if (unknownFlags.length > 0) {
    process.stderr.write(`Unknown option ${unknownFlags.join(' ')}. Usage: npm run reset [-- --yes] [-- --include-models]\n`);
    return 2;
  }
  const env = process.env;
  const config = CoreConfigSchema.pick({ APFA_DATA_DIR: true }).parse(env);
  const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
  let plan: DataResetPlan;
  try {
    plan = planDataReset(config.APFA_DATA_DIR, { includeModels: argv.includes('--include-models'), protectedFolders: [repoRoot], env });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  for (const note of plan.notes) process.stdout.write(`${note}\n`);
  if (plan.remove.length === 0) {
    process.stdout.write(`Nothing to reset in ${plan.dataDir}.\n`);
    return 0;
  }
  process.stdout.write(`This deletes (stop core first):\n${plan.remove.map((path) => `  ${path}`).join('\n')}\n`);
  if (plan.keep.length > 0) process.stdout.write(`Kept: ${plan.keep.join(', ')} (--include-models deletes models too)\n`);
  if (!argv.includes('--yes') && !argv.includes('-y')) {
    if (!process.stdin.isTTY) {
      process.stderr.write('Not a terminal: run `npm run reset -- --yes` to confirm.\n');
      return 1;
    }
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await prompt.question('Delete them? [y/N] ');
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stdout.write('Nothing deleted.\n');
      return 1;
    }
  }
  applyDataReset(plan);
  process.stdout.write('Done. The next `npm start` creates the admin user and builds the index again.\n');
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
