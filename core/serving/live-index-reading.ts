import type { LiveIndex } from '../advice/live-index.ts';
import type { LiveIndexReading } from '../metrics/index-metrics.ts';

/** The live version as the index metrics read it at scrape time, or null when none is loaded. */
export function liveIndexReading(live: LiveIndex): LiveIndexReading | null {
  const serving = live.current();
  if (!serving) return null;
  const { manifest } = serving.loaded;
  // SQ8 keeps one byte per dimension, Flat four (float32).
  const bytesPerVector = manifest.index.kind.endsWith('SQ8') ? manifest.dimension : manifest.dimension * 4;
  return { version: manifest.version, kind: manifest.index.kind, created: manifest.created, vectors: serving.loaded.index.size, memoryBytes: serving.loaded.index.size * bytesPerVector };
}
