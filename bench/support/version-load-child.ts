/**
 * One measured load (or simulated swap) of a stored version in a process of its own (spawned by
 * measureVersionLoadInChild / measureSwapMemoryInChild), so its RSS figures are the version's,
 * free of what earlier loads left in the allocator. Prints the measurement as JSON.
 *
 * `node --import tsx bench/support/version-load-child.ts <object-store folder> <version> <retrieval> load|swap`
 */
import { LocalFolderObjectStore } from '../../core/storage/local-folder-object-store.ts';
import type { RetrievalSetting } from '../../core/serving/prepare-serving-index.ts';
import { measureSwapMemory, measureVersionLoad } from './version-load.ts';

const [folder, version, retrieval, what] = process.argv.slice(2) as [string, string, RetrievalSetting, 'load' | 'swap'];
const store = new LocalFolderObjectStore(folder);
const measurement = what === 'swap' ? await measureSwapMemory(store, version, retrieval) : await measureVersionLoad(store, version, retrieval);
console.log(JSON.stringify(measurement));
process.exit(0);
