/**
 * One measured load of a stored version in a process of its own (spawned by
 * measureVersionLoadInChild), so `rssMiB.after − rssMiB.before` is what the version keeps
 * resident, free of what earlier loads left in the allocator. Prints the LoadMeasurement as JSON.
 *
 * `node --import tsx bench/support/version-load-child.ts <object-store folder> <version> <retrieval>`
 */
import { LocalFolderObjectStore } from '../../core/storage/local-folder-object-store.ts';
import type { RetrievalSetting } from '../../core/serving/prepare-serving-index.ts';
import { measureVersionLoad } from './version-load.ts';

const [folder, version, retrieval] = process.argv.slice(2) as [string, string, RetrievalSetting];
const measurement = await measureVersionLoad(new LocalFolderObjectStore(folder), version, retrieval);
console.log(JSON.stringify(measurement));
process.exit(0);
