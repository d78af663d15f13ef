/**
 * The client address used to key per-IP limits: Cloudflare's `cf-connecting-ip`, else the first
 * `x-forwarded-for` hop, else `unknown` (all unidentifiable clients then share one bucket).
 */
export function clientIp(headers: Headers): string {
  const cloudflare = headers.get('cf-connecting-ip')?.trim();
  if (cloudflare) return cloudflare;
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || 'unknown';
}
