import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Folders the service writes under APFA_DATA_DIR: only its own user may list or enter them. */
export const OWNER_ONLY_DIRECTORY_MODE = 0o700;
/** Files the service writes under APFA_DATA_DIR: only its own user may read or write them. */
export const OWNER_ONLY_FILE_MODE = 0o600;

/**
 * Creates the folder (and its parents) if missing and makes it 0700, so nothing inside can be
 * reached by other local users whatever the modes of what is inside. Throws when the folder
 * cannot be made owner-only (not ours): the caller decides whether to stop.
 */
export function ensureOwnerOnlyDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: OWNER_ONLY_DIRECTORY_MODE });
  chmodSync(path, OWNER_ONLY_DIRECTORY_MODE);
}

/**
 * Takes group and other permissions away from every file and folder under `root` (root
 * included): folders 0700, files 0600 (owner bits kept). Symbolic links are not followed. For
 * writers that set modes themselves — PGlite's file system gives its files 0666 whatever the
 * umask. Returns how many entries it changed.
 */
export function restrictTree(root: string): number {
  let changed = 0;
  const visit = (path: string) => {
    let stats;
    try {
      stats = lstatSync(path);
    } catch {
      return; // removed meanwhile (WAL recycling, temporary files)
    }
    if (stats.isSymbolicLink()) return;
    if ((stats.mode & 0o077) !== 0) {
      try {
        chmodSync(path, stats.mode & (stats.isDirectory() ? OWNER_ONLY_DIRECTORY_MODE : OWNER_ONLY_FILE_MODE | 0o100));
        changed += 1;
      } catch {
        return; // removed meanwhile
      }
    }
    if (stats.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) visit(join(path, name));
    }
  };
  visit(root);
  return changed;
}
