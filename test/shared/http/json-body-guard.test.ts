import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../../shared/http/error-handler.ts';
import { jsonBodyGuard } from '../../../shared/http/json-body-guard.ts';

function guarded() {
  const unexpected: unknown[] = [];
  const app = new Hono();
  app.onError(createErrorHandler({ onUnexpected: (error) => unexpected.push(error) }));
  app.post('/x', jsonBodyGuard({ maxBytes: 4096 }), (c) => c.json({ ok: true }));
  return { app, unexpected };
}

/** A body that sends some bytes and then fails the way workerd does when the client disconnects. */
function droppedBody(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode('{"query":"What is PMI'));
        return;
      }
      controller.error(new Error('Network connection lost.'));
    },
  });
}

describe('jsonBodyGuard', () => {
  it('answers a client that drops mid-body with a 400 problem and reports nothing as unexpected', async () => {
    const { app, unexpected } = guarded();
    const response = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: droppedBody(), duplex: 'half' } as RequestInit);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe('malformed-request');
    expect(unexpected).toEqual([]);
  });

  it.each(['gzip', 'deflate', 'br', 'compress', 'gzip, identity'])('refuses Content-Encoding: %s with 415', async (encoding) => {
    const { app } = guarded();
    const response = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: '{}' });
    expect(response.status).toBe(415);
    expect(response.headers.get('accept-encoding')).toBe('identity');
  });

  it('accepts Content-Encoding: identity', async () => {
    const { app } = guarded();
    const response = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body: '{}' });
    expect(response.status).toBe(200);
  });

  it.each(['null', '[]', '[{}]', '1', '"x"', 'true'])('calls %s "must be a JSON object" (422)', async (body) => {
    const { app } = guarded();
    const response = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'validation-failed', detail: 'The body must be a JSON object.' });
  });

  it('still calls broken JSON "not valid JSON" (400)', async () => {
    const { app } = guarded();
    const response = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('malformed-json');
  });
});

describe('jsonBodyGuard: what the handler reads after it', () => {
  it('gives text, json and arrayBuffer the bytes it read (non-ASCII intact), however often they are read', async () => {
    const app = new Hono();
    const seen: unknown[] = [];
    app.post('/x', jsonBodyGuard({ maxBytes: 4096 }), async (c) => {
      seen.push(await c.req.text(), await c.req.json(), new TextDecoder().decode(await c.req.arrayBuffer()), await c.req.text());
      return c.json({ ok: true });
    });
    const body = '{"query":"Café owner, 3½ % down — FHA?"}';
    const response = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(seen).toEqual([body, { query: 'Café owner, 3½ % down — FHA?' }, body, body]);
  });
});
