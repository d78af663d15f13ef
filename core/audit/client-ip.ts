import type { Context } from 'hono';

export interface ClientIpOptions {
  /** Use the first X-Forwarded-For address (only behind a proxy that sets it). */
  trustForwardedFor?: boolean;
}

/** The caller's IP: the socket peer under @hono/node-server, or X-Forwarded-For when trusted; null when unknown. */
export function clientIp(c: Context, options: ClientIpOptions = {}): string | null {
  if (options.trustForwardedFor) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded && forwarded.length <= 64) return forwarded;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}
