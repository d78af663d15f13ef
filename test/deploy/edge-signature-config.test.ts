import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCoreConfig } from '../../core/config.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

type Service = { environment?: Record<string, string>; command?: string[] };

describe('edge signature settings agree across the deployment files', () => {
  const compose = parse(readFileSync(resolve(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

  it('docker-compose: core requires the signature and the edge signs with the same secret', () => {
    const edgeVars = new Map(
      (compose.services.edge?.command ?? []).filter((part) => /^[A-Z_]+:/.test(part)).map((part) => [part.slice(0, part.indexOf(':')), part.slice(part.indexOf(':') + 1)]),
    );
    const edgeSecret = edgeVars.get('EDGE_SHARED_SECRET');
    expect(edgeSecret).toBeTruthy();
    const cores = Object.entries(compose.services).filter(([name]) => name.startsWith('core-'));
    expect(cores.length).toBeGreaterThan(0);
    for (const [name, service] of cores) {
      const env = service.environment ?? {};
      expect(env.EDGE_SHARED_SECRET, name).toBe(edgeSecret);
      expect(parseCoreConfig(env).REQUIRE_EDGE_SIGNATURE, name).toBe(true);
    }
  });

  it('wrangler.toml never holds the secret in [vars]', () => {
    const wrangler = readFileSync(resolve(repoRoot, 'wrangler.toml'), 'utf8');
    expect(wrangler).not.toMatch(/^\s*EDGE_SHARED_SECRET\s*=/m);
    expect(wrangler).toMatch(/wrangler secret put/);
  });
});
