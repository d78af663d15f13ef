import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runTool, systemTool } from '../support/system-tool.ts';

/**
 * deploy/alertmanager/alertmanager.yml checked by Alertmanager's own tool: `amtool check-config`,
 * and `amtool config routes test` for where each severity the rules set is sent.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = path.join(ROOT, 'deploy/alertmanager/alertmanager.yml');
const amtool = systemTool('amtool', 'prometheus-alertmanager');

describe('alertmanager.yml', () => {
  it('sends only to loopback placeholders and holds no credentials', async () => {
    const text = await readFile(CONFIG, 'utf8');
    const config = parse(text) as { receivers: { name: string; webhook_configs?: { url: string }[] }[] };
    const urls = config.receivers.flatMap((receiver) => (receiver.webhook_configs ?? []).map((webhook) => webhook.url));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(text).not.toMatch(/api_url|api_key|routing_key|auth_password|bearer_token|service_key|password:/i);
  });
});

describe.skipIf(!amtool.present)('amtool', () => {
  it('check-config: the file is valid', () => {
    const result = runTool(amtool, ['check-config', CONFIG]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it.each([
    ['critical', 'oncall-pager'],
    ['warning', 'team-chat'],
    ['info', 'log-only'],
  ])('routes severity=%s to %s', (severity, receiver) => {
    const result = runTool(amtool, ['config', 'routes', 'test', `--config.file=${CONFIG}`, `--verify.receivers=${receiver}`, `severity=${severity}`, 'alertname=Example']);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(receiver);
  });
});
