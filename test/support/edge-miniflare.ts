import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { buildEdge, EDGE_BUNDLE } from '../../scripts/build-edge.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The edge Worker running in workerd (Miniflare), reachable over real HTTP. */
export interface StartedEdge {
  url: string;
  /** fetch() against the Worker: `dispatch('/v1/advice', { method: 'POST', ... })`. */
  dispatch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/**
 * Starts dist/edge/worker.js in workerd with the given bindings (vars), building the bundle first
 * when it is missing or older than any source under edge/ or shared/. Outbound fetches (core,
 * Upstash) to 127.0.0.1 work.
 */
export async function startEdge(options: {
  bindings: Record<string, string>;
  port?: number;
  inspectorPort?: number;
  /** Another build of the Worker (a bench comparing commits); default dist/edge/worker.js, rebuilt when stale. */
  scriptPath?: string;
  /**
   * Miniflare's emulation of the platform removing CF-Connecting-IP from subrequests: a second
   * JavaScript Worker every outbound fetch (Upstash, core) passes through, copying its headers and
   * fetching again. Default on (Miniflare's default); the edge bench turns it off, since on
   * Cloudflare that step is no Worker of ours and costs the Worker nothing.
   */
  stripCfConnectingIp?: boolean;
}): Promise<StartedEdge> {
  if (options.scriptPath === undefined) await ensureBundle();
  const mf = new Miniflare({
    modules: true,
    scriptPath: options.scriptPath ?? EDGE_BUNDLE,
    compatibilityDate: '2025-09-01',
    bindings: options.bindings,
    host: '127.0.0.1',
    port: options.port ?? 0,
    cf: false,
    // DevTools protocol for CPU profiles (bench/support/workerd-profiler.ts); off unless asked.
    ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    ...(options.stripCfConnectingIp === undefined ? {} : { stripCfConnectingIp: options.stripCfConnectingIp }),
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return {
    url,
    dispatch: (path, init) => fetch(`${url}${path}`, init),
    dispose: () => mf.dispose(),
  };
}

async function ensureBundle(): Promise<void> {
  if (existsSync(EDGE_BUNDLE) && statSync(EDGE_BUNDLE).mtimeMs >= newestSourceMtime()) return;
  // Build beside the target and rename, so concurrent test files never load a half-written bundle.
  const temporary = `${EDGE_BUNDLE}.${process.pid}.${Date.now()}.tmp.js`;
  await buildEdge({ outfile: temporary });
  renameSync(temporary, EDGE_BUNDLE);
}

function newestSourceMtime(): number {
  const sources = [join(repoRoot, 'edge'), join(repoRoot, 'shared'), join(repoRoot, 'scripts/build-edge.ts')];
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const source of sources) if (existsSync(source)) visit(source);
  return newest;
}
