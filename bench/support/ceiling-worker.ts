import { Miniflare } from 'miniflare';

/**
 * The bench's ceiling: a bare Worker that answers every request with a fixed JSON body (the edge's
 * cache-hit body, passed in), in the same workerd (Miniflare) as the edge, with no Upstash, no JWT
 * and no routing — the most requests/s this runtime serves on this machine under the same load.
 *
 * With `roundTrip` (a diagnostic, not the target's baseline) it first POSTs one fixed request to
 * that URL and reads the reply — the Upstash round trip a hit cannot do without, and nothing else.
 */
export async function startCeilingWorker(
  body: string,
  roundTrip?: { url: string; headers: Record<string, string>; body: string },
): Promise<{ url: string; dispose(): Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    script: `export default {
  async fetch(request, env) {
    await request.arrayBuffer();
    if (env.ROUND_TRIP) {
      const trip = JSON.parse(env.ROUND_TRIP);
      const reply = await fetch(trip.url, { method: 'POST', headers: trip.headers, body: trip.body });
      await reply.text();
    }
    return new Response(env.BODY, { headers: { 'content-type': 'application/json', 'x-cache': 'HIT' } });
  },
};`,
    compatibilityDate: '2025-09-01',
    bindings: { BODY: body, ...(roundTrip ? { ROUND_TRIP: JSON.stringify(roundTrip) } : {}) },
    // No emulated outbound Worker in front of its fetch (see startEdge's stripCfConnectingIp).
    stripCfConnectingIp: false,
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return { url, dispose: () => mf.dispose() };
}
