import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runTool, systemTool } from '../support/system-tool.ts';

/**
 * The alert rules (deploy/prometheus/rules/apfa-alerts.yml) checked by Prometheus's own tool:
 * `promtool check rules` and the unit tests in apfa-alerts.test.yml (`promtool test rules`), with
 * at least one firing and one silent case per alert, and the design's eight alerts each carrying
 * `for`, a severity, a summary and a runbook section that docs/operations.md has.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULES_DIR = path.join(ROOT, 'deploy/prometheus/rules');
const RULES = path.join(RULES_DIR, 'apfa-alerts.yml');
const RULE_TESTS = path.join(RULES_DIR, 'apfa-alerts.test.yml');
const promtool = systemTool('promtool', 'prometheus');

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
}

const DESIGN_ALERTS = {
  CriticalMigrationRequired: 'critical',
  ServiceDown: 'critical',
  HighErrorRate: 'critical',
  ApproachingMigrationThreshold: 'warning',
  HighFAISSSearchLatency: 'warning',
  SlowEmbeddingBatches: 'warning',
  JobQueueBacklog: 'warning',
  HighJobFailureRate: 'warning',
} as const;

let rules: AlertRule[];
beforeAll(async () => {
  const file = parse(await readFile(RULES, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  rules = file.groups.flatMap((group) => group.rules);
});

describe('alert rules', () => {
  it("are the design's eight, each with for, severity, summary, description and a runbook section of docs/operations.md", async () => {
    expect(Object.fromEntries(rules.map((rule) => [rule.alert, rule.labels?.severity]))).toEqual(DESIGN_ALERTS);
    const operations = await readFile(path.join(ROOT, 'docs/operations.md'), 'utf8');
    const anchors = new Set([...operations.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => githubAnchor(match[1]!)));
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      const [file, anchor] = (rule.annotations?.runbook_url ?? '').split('#');
      expect(file, rule.alert).toBe('docs/operations.md');
      expect(anchors.has(anchor ?? ''), `${rule.alert}: docs/operations.md has no section #${anchor}`).toBe(true);
    }
  });

  it('have at least one case where each alert fires and one where it stays silent in the promtool tests', async () => {
    const tests = (parse(await readFile(RULE_TESTS, 'utf8')) as { tests: RuleTest[] }).tests;
    const cases = tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const rule of rules) {
      const own = cases.filter((entry) => entry.alertname === rule.alert);
      expect(own.some((entry) => entry.exp_alerts.length > 0), `${rule.alert} never fires in the tests`).toBe(true);
      expect(own.some((entry) => entry.exp_alerts.length === 0), `${rule.alert} has no silent case`).toBe(true);
    }
  });
});

describe.skipIf(!promtool.present)('promtool', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'apfa-promtool-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('check rules: the file is valid', () => {
    const result = runTool(promtool, ['check', 'rules', RULES]);
    expect(result.output).toContain('SUCCESS: 8 rules found');
    expect(result.status).toBe(0);
  });

  it('test rules: every case passes', () => {
    const result = runTool(promtool, ['test', 'rules', 'apfa-alerts.test.yml'], { cwd: RULES_DIR });
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('test rules is live: a raised threshold fails its firing case', async () => {
    const text = await readFile(RULES, 'utf8');
    expect(text).toMatch(/\(apfa_queue_depth\{[^}]*\}\)\) > 50$/m);
    await writeFile(path.join(scratch, 'apfa-alerts.yml'), text.replace(/(\(apfa_queue_depth\{[^}]*\}\)\)) > 50$/m, '$1 > 70'));
    await copyFile(RULE_TESTS, path.join(scratch, 'apfa-alerts.test.yml'));
    const result = runTool(promtool, ['test', 'rules', 'apfa-alerts.test.yml'], { cwd: scratch });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FAILED[\s\S]*JobQueueBacklog/);
  });
});

/** GitHub's heading anchor: lower case, punctuation but hyphens and underscores dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
