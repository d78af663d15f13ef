import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getToken, startCore, type StartedCore } from '../../support/start-core.ts';

/** Sends raw bytes and returns everything the server writes until it closes the connection. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no close; got ${received}`)));
  });
}

const QUESTION = JSON.stringify({ query: 'What are my options for a $200,000 home with a 620 credit score?' });

describe('core refuses hostile requests with problem+json, never 200 or a bare error', () => {
  let core: StartedCore;
  let token: string;

  beforeAll(async () => {
    core = await startCore();
    token = await getToken(core.url, 'admin', core.adminPassword);
  }, 120_000);
  afterAll(async () => core?.stop());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${core.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body });

  it('a question of 300 emoji is refused (422 off-topic), not answered', async () => {
    const response = await post('/v1/advice', JSON.stringify({ query: '😀'.repeat(300) }));
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe('off-topic');
  });

  it.each(['gzip', 'deflate', 'br', 'x-unknown'])('a body declared Content-Encoding: %s is refused with 415 (nothing is decoded)', async (encoding) => {
    for (const path of ['/v1/advice', '/v1/advice/stream', '/v1/auth/token']) {
      const response = await post(path, QUESTION, { 'content-encoding': encoding });
      expect(response.status, path).toBe(415);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('accept-encoding')).toBe('identity');
      expect(((await response.json()) as { detail: string }).detail).toContain('Content-Encoding');
    }
  });

  it.each(['null', '[]', '42', '"text"'])('a JSON body of %s is called "must be a JSON object" (422), not "not valid JSON"', async (body) => {
    for (const path of ['/v1/advice', '/v1/auth/token']) {
      const response = await post(path, body);
      expect(response.status, path).toBe(422);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem).toMatchObject({ code: 'validation-failed', detail: 'The body must be a JSON object.' });
    }
  });

  it('a Content-Length shorter than the body gets a 400 problem+json and the connection closes', async () => {
    const { host } = new URL(core.url);
    const body = `${QUESTION}${'x'.repeat(40)}`;
    const reply = await rawExchange(
      core.url,
      `POST /v1/advice HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n${body}`,
    );
    const [head, json] = reply.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(json)).toMatchObject({ status: 400, code: 'malformed-request', type: '/problems/malformed-request' });
  });

  it('oversized headers get a 431 problem+json', async () => {
    const { host } = new URL(core.url);
    const reply = await rawExchange(core.url, `GET /health HTTP/1.1\r\nhost: ${host}\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(reply.split('\r\n\r\n')[1]!)).toMatchObject({ status: 431, code: 'header-fields-too-large' });
  });
});
