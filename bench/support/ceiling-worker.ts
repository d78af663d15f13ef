import { Miniflare } from 'miniflare';

/**
 * The bench's ceiling: a bare Worker that answers every request with a fixed JSON body (the edge's
 * cache-hit body, passed in), in the same workerd (Miniflare) as the edge, with no Upstash, no JWT
 * and no routing — the most requests/s this runtime serves on this machine under the same load.
 */
export async function startCeilingWorker(body: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    script: `export default {
  async fetch(request, env) {
    await request.arrayBuffer();
    return new Response(env.BODY, { headers: { 'content-type': 'application/json', 'x-cache': 'HIT' } });
  },
};`,
    compatibilityDate: '2025-09-01',
    bindings: { BODY: body },
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return { url, dispose: () => mf.dispose() };
}
