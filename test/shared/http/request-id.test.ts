import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestId as coreRequestId } from '../../../core/http/request-id.ts';
import { requestId as edgeRequestId } from '../../../edge/http/request-id.ts';
import { createErrorHandler } from '../../../shared/http/error-handler.ts';
import type { RequestIdVariables } from '../../../shared/http/request-id.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOSTILE = ['admin-did-it', 'trace-abc.123', 'a'.repeat(128), 'x'.repeat(5000), '../../etc/passwd', '<script>', 'id\u00e9', 'DROP TABLE audit_log;--', ''];

function appWith(middleware: ReturnType<typeof coreRequestId>) {
  const app = new Hono<{ Variables: RequestIdVariables }>();
  app.use('*', middleware);
  app.get('/id', (c) => c.text(c.var.requestId));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError(createErrorHandler());
  return app;
}

describe.each([
  ['core', coreRequestId()],
  ['edge', edgeRequestId()],
])('%s request ids: client text is never kept', (_tier, middleware) => {
  const app = appWith(middleware);

  it.each(HOSTILE)('replaces %j with a minted UUID (variable, response and error response agree)', async (sent) => {
    for (const path of ['/id', '/boom']) {
      const response = await app.request(path, { headers: { 'x-request-id': sent } });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      expect(id).not.toBe(sent);
      if (path === '/id') expect(await response.text()).toBe(id);
    }
  });
});

describe('core keeps a UUID the edge minted, so both tiers log one id', () => {
  it('keeps a lower-case UUID, and replaces an upper-case or padded one', async () => {
    const app = appWith(coreRequestId());
    const minted = crypto.randomUUID();
    expect(await (await app.request('/id', { headers: { 'x-request-id': minted } })).text()).toBe(minted);
    for (const variant of [minted.toUpperCase(), `${minted}x`, ` ${minted}`]) {
      expect(await (await app.request('/id', { headers: { 'x-request-id': variant } })).text()).not.toBe(variant);
    }
  });

  it('the edge never keeps even a UUID', async () => {
    const minted = crypto.randomUUID();
    expect(await (await appWith(edgeRequestId()).request('/id', { headers: { 'x-request-id': minted } })).text()).not.toBe(minted);
  });
});
