import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { parseCoreConfig } from '../../core/config.ts';
import { createRuntime, type CoreRuntime, type RunMode } from '../../core/composition-root.ts';
import { createLogger } from '../../core/logger.ts';
import { createFeedWebSocketServer } from '../../core/feed/feed-websocket-server.ts';
import { answerClientErrorsWithProblems } from '../../core/http/client-error-responder.ts';
import { TEST_ONLY_PASSWORD_HASH_COST } from '../../core/auth/password-hash.ts';

export interface StartedCore {
  url: string;
  runtime: CoreRuntime;
  dataDir: string;
  adminPassword: string;
  /** Stops the server; `keepData` leaves the data folder for a restart test. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export const TEST_ADMIN_PASSWORD = 'test-admin-password-123';

/**
 * Starts the real core (composition root + HTTP server on a free loopback port) in this process.
 * Each call gets its own data folder unless `APFA_DATA_DIR` is given.
 */
export async function startCore(env: Record<string, string> = {}, mode: RunMode = 'all'): Promise<StartedCore> {
  const dataDir = env.APFA_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'apfa-core-'));
  const config = parseCoreConfig({
    LOG_LEVEL: 'silent',
    APFA_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    PORT: '0',
    ...env,
    APFA_DATA_DIR: dataDir,
  });
  const logger = createLogger({ level: config.LOG_LEVEL });
  // Cheap scrypt for tests, injected explicitly (production has no way to lower the cost).
  const runtime = await createRuntime(config, { logger, mode, passwordHashCost: TEST_ONLY_PASSWORD_HASH_COST });
  const server: ServerType = await new Promise((resolve) => {
    // With the feed's WebSocket server, as core/main.ts serves it, so /admin/ws upgrades.
    const s = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1', websocket: { server: createFeedWebSocketServer() } }, () => resolve(s));
  });
  answerClientErrorsWithProblems(server);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    dataDir,
    adminPassword: config.APFA_ADMIN_PASSWORD ?? TEST_ADMIN_PASSWORD,
    async stop(options = {}) {
      await closeServer(server);
      await runtime.close();
      if (!options.keepData && env.APFA_DATA_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Password grant against a running core; returns the access token. */
export async function getToken(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Closes a node-server, dropping idle keep-alive sockets so close() does not wait on them. */
export async function closeServer(server: ServerType): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    const http = server as unknown as { closeAllConnections?: () => void };
    http.closeAllConnections?.();
  });
}
