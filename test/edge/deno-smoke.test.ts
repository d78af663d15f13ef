import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdviceResponseSchema } from '../../shared/contracts/advice.ts';
import { jsonPost, parseEventStream, readProblem } from '../support/edge-app-harness.ts';
import { closedPortUrl, type FakeCore } from '../support/edge-fake-core.ts';
import type { TestSigner } from '../support/edge-tokens.ts';
import { useEdgeServices } from '../support/edge-services.ts';
import type { EdgeUpstash } from '../support/edge-upstash.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('edge under Deno (edge/deno.ts)', () => {
  let upstash: EdgeUpstash;
  let signer: TestSigner;
  let core: FakeCore;
  let deno: ChildProcess | undefined;
  let url: string;
  let output = '';

  useEdgeServices((services) => ({ signer, core, upstash } = services));
  beforeAll(async () => {
    const port = new URL(await closedPortUrl()).port;
    url = `http://127.0.0.1:${port}`;
    deno = spawn(
      resolve(repoRoot, 'node_modules/.bin/deno'),
      ['run', '--cached-only', '--node-modules-dir=manual', '--allow-net', '--allow-env', '--allow-read', 'edge/deno.ts'],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          DENO_NO_UPDATE_CHECK: '1',
          NO_COLOR: '1',
          PORT: port,
          HOST: '127.0.0.1',
          CORE_URL: core.url,
          UPSTASH_REDIS_REST_URL: upstash.url,
          UPSTASH_REDIS_REST_TOKEN: upstash.token,
          KEY_PREFIX: upstash.uniquePrefix('deno'),
          AUTH_RATE_LIMIT_REQUESTS: '3',
          AUTH_RATE_LIMIT_WINDOW: '1 h',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    deno.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    deno.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForHealth(`${url}/health`, 20_000, () => deno?.exitCode ?? null, () => output);
  }, 30_000);

  afterAll(async () => {
    if (deno && deno.exitCode === null) {
      const exited = new Promise((done) => deno?.once('exit', done));
      deno.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 3_000))]);
      if (deno.exitCode === null) deno.kill('SIGKILL');
    }
  });

  it('answers advice (MISS) through core', async () => {
    const auth = { authorization: `Bearer ${await signer.mint({ sub: 'deno-user' })}` };
    const response = await fetch(`${url}/v1/advice`, jsonPost({ query: 'How much house can I afford on a 90000 salary?' }, auth));
    expect(response.status, `${await response.clone().text()}\n${output}`).toBe(200);
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(AdviceResponseSchema.parse(await response.json()).cached).toBe(false);
    expect(core.callsTo('/v1/advice')).toHaveLength(1);
  });

  it('streams advice (MISS) through core as Server-Sent Events', async () => {
    const auth = { authorization: `Bearer ${await signer.mint({ sub: 'deno-user' })}` };
    const response = await fetch(`${url}/v1/advice/stream`, jsonPost({ query: 'Can I stream advice on a 90000 salary mortgage?' }, auth));
    expect(response.status, `${await response.clone().text()}\n${output}`).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-cache')).toBe('MISS');
    const events = parseEventStream(await response.text());
    expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'token', 'token', 'done']);
    expect(AdviceResponseSchema.parse(events.at(-1)?.data).cached).toBe(false);
    expect(core.callsTo('/v1/advice/stream')).toHaveLength(1);
  });

  it('rate-limits logins per socket peer: a rotating X-Forwarded-For or CF-Connecting-IP does not get a new bucket', async () => {
    const login = (n: number) =>
      fetch(`${url}/v1/auth/token`, jsonPost({ username: 'alice', password: `guess-${n}` }, { 'x-forwarded-for': `198.51.100.${n}`, 'cf-connecting-ip': `203.0.113.${n}` }));
    const statuses: number[] = [];
    for (let n = 1; n <= 5; n++) statuses.push((await login(n)).status);
    expect(statuses.slice(0, 3).every((status) => status !== 429), `${statuses.join(',')}\n${output}`).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it('refuses an invalid body with a 422 problem', async () => {
    const auth = { authorization: `Bearer ${await signer.mint({ sub: 'deno-user' })}` };
    const response = await fetch(`${url}/v1/advice`, jsonPost({ query: 'What mortgage can I get?', bogus: true }, auth));
    expect(response.status).toBe(422);
    expect((await readProblem(response)).type).toBe('/problems/validation-failed');
  });
});

async function waitForHealth(url: string, timeoutMs: number, exitCode: () => number | null, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode() !== null) throw new Error(`deno exited with ${exitCode()}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`edge under Deno did not become healthy within ${timeoutMs} ms:\n${output()}`);
}
