import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { drainUnreadBody } from '../../../shared/http/drain-unread-body.ts';

function appSeeing(requests: Request[]) {
  const app = new Hono();
  app.use('*', drainUnreadBody({ maxBytes: 1024 }));
  app.use('*', async (c, next) => {
    requests.push(c.req.raw);
    await next();
  });
  app.post('/refuse', (c) => c.json({ refused: true }, 401));
  app.post('/throw', () => {
    throw new Error('boom');
  });
  app.post('/read', async (c) => c.json(await c.req.json()));
  app.onError((_error, c) => c.json({ error: true }, 500));
  return app;
}

describe('drainUnreadBody', () => {
  it('reads a small body the handler refused without reading', async () => {
    const seen: Request[] = [];
    const response = await appSeeing(seen).request('/refuse', { method: 'POST', body: '{"query":"x"}', headers: { 'content-length': '13' } });
    expect(response.status).toBe(401);
    expect(seen[0]!.bodyUsed).toBe(true);
  });

  it('drains after an error too', async () => {
    const seen: Request[] = [];
    const response = await appSeeing(seen).request('/throw', { method: 'POST', body: 'abc', headers: { 'content-length': '3' } });
    expect(response.status).toBe(500);
    expect(seen[0]!.bodyUsed).toBe(true);
  });

  it('leaves a body declared larger than the cap alone', async () => {
    const seen: Request[] = [];
    const body = 'x'.repeat(5000);
    const response = await appSeeing(seen).request('/refuse', { method: 'POST', body, headers: { 'content-length': '5000' } });
    expect(response.status).toBe(401);
    expect(seen[0]!.bodyUsed).toBe(false);
  });

  it('does not disturb handlers that read the body', async () => {
    const response = await appSeeing([]).request('/read', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(await response.json()).toEqual({ a: 1 });
  });
});
