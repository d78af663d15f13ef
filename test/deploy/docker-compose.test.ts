import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DCLinter } from 'dclint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CoreConfigSchema } from '../../core/config.ts';
import { EdgeConfigSchema } from '../../edge/config.ts';

/**
 * docker-compose.yml and the Dockerfile, checked without a Docker daemon: the Compose
 * specification's JSON schema (the copy dclint ships, through its linter) plus the rules this
 * project keeps (pinned images, healthchecks, healthy dependencies, nothing but the edge on the
 * host, the variable names the code parses, one Node line).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE = path.join(ROOT, 'docker-compose.yml');
const COMPOSE_PORTS = path.join(ROOT, 'docker-compose.ports.yml');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
}

/**
 * dclint with the schema check (always on) and its correctness rules; its ordering and quoting
 * style rules are off (the file is ordered for reading: infrastructure first, then the app).
 */
function lint(files: string[]) {
  const linter = new DCLinter({
    rules: {
      'no-build-and-image': 2,
      'no-duplicate-container-names': 2,
      'no-duplicate-exported-ports': 2,
      'no-unbound-port-interfaces': 2,
      'no-version-field': 2,
      'service-image-require-explicit-tag': 2,
      'no-quotes-in-volumes': 0,
      'require-project-name-field': 0,
      'require-quotes-in-ports': 0,
      'service-container-name-regex': 0,
      'service-dependencies-alphabetical-order': 0,
      'service-keys-order': 0,
      'service-ports-alphabetical-order': 0,
      'services-alphabetical-order': 0,
      'top-level-properties-order': 0,
    },
    quiet: true,
    debug: false,
    exclude: [],
  });
  return linter.lintFiles(files, false);
}

const messages = (results: ReturnType<typeof lint>) => results.flatMap((result) => result.messages.map((message) => `${path.basename(result.filePath)}: ${message.rule}: ${message.message}`));

let services: Record<string, ComposeService>;
let scratch: string;
beforeAll(async () => {
  services = (parse(await readFile(COMPOSE, 'utf8')) as { services: Record<string, ComposeService> }).services;
  scratch = await mkdtemp(path.join(tmpdir(), 'apfa-compose-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  it('is a valid Compose file with pinned tags and loopback-bound ports (dclint: Compose schema + rules), and so is docker-compose.ports.yml', () => {
    expect(messages(lint([COMPOSE, COMPOSE_PORTS]))).toEqual([]);
  });

  it('the schema check is live: a misspelt key and a wrong type are reported', async () => {
    const broken = path.join(scratch, 'docker-compose.yml');
    await writeFile(broken, 'services:\n  web:\n    image: redis:7.4-alpine\n    helthcheck: {}\n    ports: 5\n');
    const reported = messages(lint([broken]));
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.join('\n')).toMatch(/helthcheck|additional/i);
  });

  it('pins every image to a tag that is not latest', () => {
    const images = Object.values(services).flatMap((service) => (service.image ? [service.image] : []));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image, image).toMatch(/^[^:@\s]+(:(?!latest$)[\w][\w.-]*|@sha256:[0-9a-f]{64})$/);
    for (const [name, service] of Object.entries(services)) expect(Boolean(service.image) || Boolean(service.build), name).toBe(true);
  });

  it('gives every service a healthcheck', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.disable, name).not.toBe(true);
      expect(service.healthcheck?.test?.length ?? 0, `${name} has no healthcheck`).toBeGreaterThan(1);
    }
  });

  it('starts a service only once each service it depends on is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.depends_on === undefined) continue;
      expect(Array.isArray(service.depends_on), `${name}: depends_on needs the long form with a condition`).toBe(false);
      for (const [dependency, { condition }] of Object.entries(service.depends_on as Record<string, { condition?: string }>)) {
        expect(services[dependency], `${name} depends on unknown ${dependency}`).toBeDefined();
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
      }
    }
  });

  it('publishes only the edge, on 127.0.0.1, by default (no clash with a local Redis or PostgreSQL)', () => {
    const published = Object.entries(services).flatMap(([name, service]) => (service.ports ?? []).map((port) => `${name} ${port}`));
    expect(published).toEqual(['edge 127.0.0.1:8787:8787']);
  });

  it('configures core and the edge only with variables their zod schemas parse', () => {
    const coreKeys = new Set(Object.keys(CoreConfigSchema.shape));
    for (const name of ['core-api', 'core-worker']) {
      const unknown = Object.keys(services[name]?.environment ?? {}).filter((key) => !coreKeys.has(key));
      expect(unknown, `${name} sets variables core/config.ts does not read`).toEqual([]);
      expect(Object.keys(services[name]?.environment ?? {})).toContain('DATABASE_URL');
    }
    const edgeKeys = new Set(Object.keys(EdgeConfigSchema.in.shape));
    const command = services['edge']?.command ?? [];
    const vars = command.flatMap((argument, index) => (command[index - 1] === '--var' ? [argument.slice(0, argument.indexOf(':'))] : []));
    expect(vars.length).toBeGreaterThan(0);
    expect(vars.filter((key) => !edgeKeys.has(key)), 'edge --var names edge/config.ts does not read').toEqual([]);
    const required = Object.entries(EdgeConfigSchema.in.shape).filter(([, schema]) => !schema.safeParse(undefined).success).map(([key]) => key);
    expect(required.filter((key) => !vars.includes(key)), 'edge variables without a default that compose leaves unset').toEqual([]);
  });

  it('runs the images it builds from this repository’s Dockerfile, with the health script it names', async () => {
    const scripts = Object.values(services).flatMap((service) => service.healthcheck?.test?.filter((part) => part.startsWith('scripts/')) ?? []);
    for (const script of new Set(scripts)) await expect(readFile(path.join(ROOT, script), 'utf8')).resolves.toContain('container-health');
  });
});

describe('Dockerfile and the Node line', () => {
  let dockerfile: string;
  beforeAll(async () => {
    dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
  });

  const stages = () => dockerfile.split(/^FROM /m).slice(1);

  it('is multi-stage, runs as a non-root user, and installs FAISS and OpenBLAS so ensure-faiss needs no apt-get', () => {
    expect(stages().length).toBeGreaterThanOrEqual(2);
    const runtime = stages().at(-1)!;
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((match) => match[1]);
    expect(users.length, 'the final stage sets USER').toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(stages()[0]).toMatch(/apt-get install[^\n]*libfaiss-dev[^\n]*libopenblas0-pthread|apt-get install[^\n]*libopenblas0-pthread[^\n]*libfaiss-dev/);
    expect(runtime).toMatch(/libopenblas0-pthread/);
  });

  it('agrees on one Node line: .nvmrc, package.json engines, the Dockerfile image and the README', async () => {
    const nvmrc = (await readFile(path.join(ROOT, '.nvmrc'), 'utf8')).trim();
    const major = nvmrc.match(/^v?(\d+)/)?.[1];
    expect(major).toBeDefined();
    const engines = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(new RegExp(`^>=\\s*${major}\\.`));
    const image = dockerfile.match(/^ARG NODE_IMAGE=(\S+)/m)?.[1] ?? '';
    expect(image).toMatch(new RegExp(`^node:${major}\\.\\d+-[a-z]+-slim$`));
    expect(process.versions.node.split('.')[0], 'the Node running these tests').toBe(major);
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`Node ${major}`);
    expect(readme).not.toMatch(new RegExp(`Node (?!${major}\\b)\\d{2}\\b`));
  });
});
