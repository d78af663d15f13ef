import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeCore, type FakeCore } from './edge-fake-core.ts';
import { createTestSigner, type TestSigner } from './edge-tokens.ts';
import { startEdgeUpstash, type EdgeUpstash } from './edge-upstash.ts';

/** What an edge test talks to: a token signer, a recording core that publishes its JWKS, and the Upstash bridge over the real Redis. */
export interface EdgeServices {
  signer: TestSigner;
  core: FakeCore;
  upstash: EdgeUpstash;
}

/**
 * Starts the edge's services once for the surrounding `describe` (closing them after it) and hands
 * them to `receive` before the first test; with `resetCoreEachTest`, each test starts with the core
 * answering normally and no recorded calls.
 */
export function useEdgeServices(receive: (services: EdgeServices) => void, options: { resetCoreEachTest?: boolean } = {}): void {
  let started: EdgeServices | undefined;
  beforeAll(async () => {
    const signer = await createTestSigner();
    const core = await startFakeCore({ jwks: signer.jwks });
    const upstash = await startEdgeUpstash();
    started = { signer, core, upstash };
    receive(started);
  });
  afterAll(async () => {
    await started?.upstash.close();
    await started?.core.close();
  });
  if (options.resetCoreEachTest) {
    beforeEach(() => {
      if (!started) return;
      started.core.mode = 'ok';
      started.core.calls.length = 0;
    });
  }
}
