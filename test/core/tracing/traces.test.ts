import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ONLY_PASSWORD_HASH_COST } from '../../../core/auth/password-hash.ts';
import { createRuntime, type CoreRuntime } from '../../../core/composition-root.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { createLogger } from '../../../core/logger.ts';
import { createTracing } from '../../../core/tracing/create-tracing.ts';
import { disabledTracing } from '../../../core/tracing/tracing.ts';

const PASSWORD = 'trace-test-password-123';
const ADVICE = JSON.stringify({ query: 'What are my options for a $200,000 home with a 620 credit score?', profile: { propertyValue: 200000, creditScore: 620 } });

interface Started {
  runtime: CoreRuntime;
  exporter: InMemorySpanExporter;
  lines: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** The real composition root (in-process jobs, lexical embedder), its spans in memory and its log lines captured. */
async function startTracedCore(env: Record<string, string>): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'apfa-traces-'));
  const config = parseCoreConfig({ APFA_ADMIN_PASSWORD: PASSWORD, EMBEDDER: 'lexical', JOB_SANDBOX: 'off', SCHEDULE_RESYNC: 'off', APFA_DATA_DIR: dataDir, ...env });
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing(config, { serviceName: 'apfa-core', exporter });
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, unknown>) };
  const logger = createLogger({ level: 'info', destination, ...(tracing.enabled ? { contextFields: () => tracing.logFields() } : {}) });
  const runtime = await createRuntime(config, { logger, mode: 'all', tracing, passwordHashCost: TEST_ONLY_PASSWORD_HASH_COST });
  return {
    runtime,
    exporter,
    lines,
    async stop() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function token(runtime: CoreRuntime): Promise<string> {
  const response = await runtime.app.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const hex = (length: number) => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('traces with OTEL_EXPORTER_OTLP_ENDPOINT set (in-memory exporter)', () => {
  let core: Started;
  let bearer: string;
  beforeAll(async () => {
    core = await startTracedCore({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    bearer = `Bearer ${await token(core.runtime)}`;
  }, 120_000);
  afterAll(() => core?.stop());

  it('continues the caller traceparent: the request span and its advice stage spans share its trace id', async () => {
    const traceId = hex(32);
    const callerSpan = hex(16);
    const response = await core.runtime.app.request('/v1/advice', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer, traceparent: `00-${traceId}-${callerSpan}-01` },
      body: ADVICE,
    });
    expect(response.status).toBe(200);
    const spans = core.exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const request = spans.find((span) => span.name === 'POST /v1/advice');
    expect(request, spans.map((span) => span.name).join(', ')).toBeDefined();
    expect(parentId(request!)).toBe(callerSpan);
    expect(request!.attributes['http.response.status_code']).toBe(200);
    expect(request!.attributes['apfa.request_id']).toBe(response.headers.get('x-request-id'));
    const stages = spans.filter((span) => span.name.startsWith('advice '));
    expect(stages.map((span) => span.name)).toEqual(['advice embed', 'advice search', 'advice generate', 'advice bias']);
    for (const stage of stages) expect(parentId(stage)).toBe(request!.spanContext().spanId);

    // The access-log line written for this request carries its trace id and the request span's id.
    const logged = core.lines.find((line) => line.msg === 'request' && line.requestId === response.headers.get('x-request-id'));
    expect(logged).toMatchObject({ trace_id: traceId, span_id: request!.spanContext().spanId });
  });

  it('starts a trace for a request without traceparent', async () => {
    const response = await core.runtime.app.request('/health');
    expect(response.status).toBe(200);
    const span = core.exporter.getFinishedSpans().findLast((candidate) => candidate.name === 'GET /health');
    expect(span).toBeDefined();
    expect(span!.parentSpanContext).toBeUndefined();
  });

  it('carries the trace of an admin sync into the ingest job and the jobs of its flow', async () => {
    const traceId = hex(32);
    const response = await core.runtime.app.request('/admin/jobs/sync', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer, traceparent: `00-${traceId}-${hex(16)}-01` },
      body: JSON.stringify({ source: 'corpus', mode: 'force' }),
    });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    await core.runtime.untilJobsIdle();
    const spans = core.exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const request = spans.find((span) => span.name === 'POST /admin/jobs/sync');
    const ingest = spans.find((span) => span.name === 'job ingest');
    expect(ingest, spans.map((span) => span.name).join(', ')).toBeDefined();
    expect(ingest!.attributes['apfa.job.id']).toBe(jobId);
    expect(parentId(ingest!)).toBe(request!.spanContext().spanId);
    // The flow ingest added (embed-batch × n → build-index → publish) joins the same trace under the ingest span.
    const flow = spans.filter((span) => ['job embed-batch', 'job build-index', 'job publish'].includes(span.name));
    expect(new Set(flow.map((span) => span.name))).toEqual(new Set(['job embed-batch', 'job build-index', 'job publish']));
    for (const span of flow) expect(parentId(span)).toBe(ingest!.spanContext().spanId);
  }, 60_000);
});

describe('traces with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
  it('creates no tracer: a request with traceparent exports nothing and log lines carry no trace id', async () => {
    const core = await startTracedCore({});
    try {
      const response = await core.runtime.app.request('/v1/advice', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(core.runtime)}`, traceparent: `00-${hex(32)}-${hex(16)}-01` },
        body: ADVICE,
      });
      expect(response.status).toBe(200);
      expect(core.exporter.getFinishedSpans()).toEqual([]);
      expect(core.lines.some((line) => line.msg === 'request')).toBe(true);
      expect(core.lines.filter((line) => 'trace_id' in line)).toEqual([]);
    } finally {
      await core.stop();
    }
  }, 120_000);

  it('is the disabled tracing, whose spans only run their function', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing(parseCoreConfig({}), { serviceName: 'apfa-core', exporter });
    expect(tracing).toBe(disabledTracing);
    expect(await tracing.span('anything', {}, async () => 42)).toBe(42);
    expect(tracing.traceparent()).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('trace ids on log lines', () => {
  it('are added after the personal-data redaction (a span id of digits alone is not taken for a card number)', () => {
    const lines: Array<Record<string, unknown>> = [];
    const fields = { trace_id: '4111111111111111e7082d76e589c5a9', span_id: '4111111111111111' };
    const logger = createLogger({ level: 'info', destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, unknown>) }, contextFields: () => fields });
    logger.info({ note: 'card 4111111111111111' }, 'x');
    expect(lines[0]).toMatchObject({ ...fields, note: 'card [card]' });
  });
});

describe('OTEL_* settings', () => {
  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'ftp://collector:4318'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_TRACES_SAMPLER_ARG', 'half'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'api-key'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'x=%E0%A4%A'],
  ])('a malformed %s (%s) fails parsing, naming the variable', (name, value) => {
    expect(() => parseCoreConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration:[\\s\\S]*${name}:`));
  });

  it('parses the endpoint, headers, service name and sampler', () => {
    const config = parseCoreConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=apfa',
      OTEL_SERVICE_NAME: 'apfa-core-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(config).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: { authorization: 'Bearer abc', 'x-team': 'apfa' },
      OTEL_SERVICE_NAME: 'apfa-core-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: 0.25,
    });
    expect(parseCoreConfig({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseCoreConfig({})).toMatchObject({ OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_TRACES_SAMPLER_ARG: 1 });
  });
});
