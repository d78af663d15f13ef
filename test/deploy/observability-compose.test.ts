import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CoreConfigSchema } from '../../core/config.ts';
import { runTool, systemTool } from '../support/system-tool.ts';

/**
 * The local observability stack in docker-compose.yml (Prometheus, Alertmanager, Grafana), checked
 * without a Docker daemon: the files each container mounts exist, Prometheus scrapes the compose
 * services on the ports core listens on (PORT, WORKER_METRICS_PORT) under the job names the rules
 * use, loads the rules file and sends to Alertmanager; Grafana's provisioning points at the mounted
 * dashboards and at Prometheus; `promtool check config` accepts the configuration. The generic
 * rules (pinned images, healthchecks, healthy dependencies, the Compose schema) are in
 * docker-compose.test.ts.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const promtool = systemTool('promtool', 'prometheus');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}
interface PrometheusConfig {
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
}

let services: Record<string, Service>;
let prometheus: PrometheusConfig;
beforeAll(async () => {
  services = (parse(await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> }).services;
  prometheus = parse(await readFile(path.join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as PrometheusConfig;
});

/** A service's bind mounts: container path → repository path (named volumes left out). */
function bindMounts(service: Service): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of service.volumes ?? []) {
    const [source, target] = volume.split(':') as [string, string];
    if (source.startsWith('./')) mounts.set(target, source.slice(2));
  }
  return mounts;
}

/** The repository file a container path lands on through `service`'s bind mounts. */
function hostPath(service: Service, containerPath: string): string | undefined {
  for (const [target, source] of bindMounts(service)) {
    if (containerPath === target) return source;
    if (containerPath.startsWith(`${target}/`)) return path.join(source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

const flag = (service: Service, name: string) => service.command?.find((part) => part.startsWith(`--${name}=`))?.split('=')[1];

describe('observability stack in docker-compose.yml', () => {
  it('has Prometheus, Alertmanager and Grafana, started in order once each dependency is healthy', () => {
    for (const name of ['prometheus', 'alertmanager', 'grafana']) expect(services[name]?.image, name).toMatch(/^(prom|grafana)\/[a-z]+:v?\d+\.\d+\.\d+$/);
    expect(services.prometheus!.depends_on).toEqual({ alertmanager: { condition: 'service_healthy' } });
    expect(services.grafana!.depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
  });

  it('mounts only files that are in the repository, read-only', () => {
    for (const name of ['prometheus', 'alertmanager', 'grafana']) {
      for (const volume of services[name]!.volumes ?? []) {
        if (!volume.startsWith('./')) continue;
        expect(volume, name).toMatch(/:ro$/);
        expect(existsSync(path.join(ROOT, volume.split(':')[0]!)), volume).toBe(true);
      }
    }
    expect(hostPath(services.prometheus!, flag(services.prometheus!, 'config.file')!)).toBe('deploy/prometheus/prometheus.yml');
    expect(hostPath(services.alertmanager!, flag(services.alertmanager!, 'config.file')!)).toBe('deploy/alertmanager/alertmanager.yml');
  });

  it('Prometheus loads the rules, alerts Alertmanager and scrapes core-api and core-worker on the ports core listens on, as apfa-core and apfa-worker', () => {
    for (const file of prometheus.rule_files) expect(hostPath(services.prometheus!, file)).toBe('deploy/prometheus/rules/apfa-alerts.yml');
    const alertmanagerPort = flag(services.alertmanager!, 'web.listen-address')?.split(':').pop() ?? '9093';
    expect(prometheus.alerting.alertmanagers.flatMap((entry) => entry.static_configs.flatMap((config) => config.targets))).toEqual([`alertmanager:${alertmanagerPort}`]);
    const targets = Object.fromEntries(prometheus.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((config) => config.targets)]));
    const core = (service: string) => CoreConfigSchema.parse({ ...services[service]!.environment, EDGE_SHARED_SECRET: 'x'.repeat(32) });
    expect(targets['apfa-core']).toEqual([`core-api:${core('core-api').PORT}`]);
    expect(targets['apfa-worker']).toEqual([`core-worker:${core('core-worker').WORKER_METRICS_PORT}`]);
    expect(core('core-worker').HOST).toBe('0.0.0.0');
    expect(services['core-api']!.command).toContain('api');
    expect(services['core-worker']!.command).toContain('worker');
    for (const job of prometheus.scrape_configs) expect(job.metrics_path ?? '/metrics').toBe('/metrics');
  });

  it('Grafana provisions the Prometheus data source and the generated dashboards from their mounted folder', async () => {
    const grafana = services.grafana!;
    const datasources = parse(await readFile(path.join(ROOT, hostPath(grafana, '/etc/grafana/provisioning/datasources/prometheus.yml')!), 'utf8')) as { datasources: { url: string }[] };
    expect(datasources.datasources.map((source) => source.url)).toEqual(['http://prometheus:9090']);
    const providers = parse(await readFile(path.join(ROOT, hostPath(grafana, '/etc/grafana/provisioning/dashboards/apfa.yml')!), 'utf8')) as { providers: { options: { path: string } }[] };
    for (const provider of providers.providers) expect(hostPath(grafana, provider.options.path)).toBe('deploy/grafana/dashboards');
  });

  it('docker-compose.ports.yml publishes Grafana, Prometheus and Alertmanager on loopback only', async () => {
    const overrides = (parse(await readFile(path.join(ROOT, 'docker-compose.ports.yml'), 'utf8')) as { services: Record<string, Service> }).services;
    expect(overrides.grafana?.ports).toEqual(['127.0.0.1:${APFA_GRAFANA_HOST_PORT:-3000}:3000']);
    expect(overrides.prometheus?.ports).toEqual(['127.0.0.1:${APFA_PROMETHEUS_HOST_PORT:-9090}:9090']);
    expect(overrides.alertmanager?.ports).toEqual(['127.0.0.1:${APFA_ALERTMANAGER_HOST_PORT:-9093}:9093']);
  });
});

describe.skipIf(!promtool.present)('promtool check config', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'apfa-prometheus-config-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('accepts prometheus.yml with its rule files where the container sees them', async () => {
    // The rule paths are the container's: point them at the repository files for the check.
    const text = await readFile(path.join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8');
    const local = text.replaceAll('/etc/prometheus/rules/', `${path.join(ROOT, 'deploy/prometheus/rules')}/`);
    await writeFile(path.join(scratch, 'prometheus.yml'), local);
    const result = runTool(promtool, ['check', 'config', path.join(scratch, 'prometheus.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });
});
