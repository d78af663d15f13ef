import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ONLY_PASSWORD_HASH_COST } from '../../core/auth/password-hash.ts';
import { createRuntime, type CoreRuntime } from '../../core/composition-root.ts';
import { parseCoreConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { createTracing } from '../../core/tracing/create-tracing.ts';
import { startEdge, type StartedEdge } from '../support/edge-miniflare.ts';
import { startEdgeUpstash, type EdgeUpstash } from '../support/edge-upstash.ts';
import { closeServer } from '../support/start-core.ts';

/**
 * One trace from the edge Worker (workerd) into core: the edge starts it, exports its server span
 * as OTLP/JSON to a collector (a recording HTTP server here) and sends the traceparent to core on
 * a miss; core (the real composition root, spans in memory) continues it.
 */
const PASSWORD = 'edge-trace-password-123';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string } }>;
}

describe('edge (workerd) → core trace propagation', () => {
  const exported: Array<{ service: string; span: ExportedSpan }> = [];
  let collector: Server;
  let coreServer: ServerType;
  let runtime: CoreRuntime;
  let exporter: InMemorySpanExporter;
  let upstash: EdgeUpstash;
  let edge: StartedEdge;
  let dataDir: string;

  beforeAll(async () => {
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue: string } }> }; scopeSpans: Array<{ spans: ExportedSpan[] }> }>;
          };
          for (const resource of body.resourceSpans) {
            const service = resource.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
            for (const scope of resource.scopeSpans) for (const span of scope.spans) exported.push({ service, span });
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

    dataDir = mkdtempSync(join(tmpdir(), 'apfa-edge-trace-'));
    const config = parseCoreConfig({ LOG_LEVEL: 'silent', APFA_ADMIN_PASSWORD: PASSWORD, EMBEDDER: 'lexical', JOB_SANDBOX: 'off', APFA_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl });
    exporter = new InMemorySpanExporter();
    const tracing = createTracing(config, { serviceName: 'apfa-core', exporter });
    runtime = await createRuntime(config, { logger: createLogger({ level: 'silent' }), mode: 'all', tracing, passwordHashCost: TEST_ONLY_PASSWORD_HASH_COST });
    coreServer = await new Promise((resolve) => {
      const server = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server));
    });
    const coreUrl = `http://127.0.0.1:${(coreServer.address() as AddressInfo).port}`;

    upstash = await startEdgeUpstash();
    edge = await startEdge({
      bindings: {
        CORE_URL: coreUrl,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        KEY_PREFIX: upstash.uniquePrefix('trace'),
        OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=abc',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await edge?.dispose();
    if (coreServer) await closeServer(coreServer);
    await runtime?.close();
    await upstash?.close();
    await new Promise((resolve) => collector?.close(resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('core continues the trace the edge started, under the edge span, for an advice miss', async () => {
    const tokenResponse = await edge.dispatch('/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password: PASSWORD }).toString(),
    });
    expect(tokenResponse.status, await tokenResponse.clone().text()).toBe(200);
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

    // A client's own traceparent is not taken: the edge is the public entry and starts the trace.
    const clientTrace = 'c'.repeat(32);
    const response = await edge.dispatch('/v1/advice', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${clientTrace}-${'d'.repeat(16)}-01` },
      body: JSON.stringify({ query: 'What are my options for a $200,000 home with a 620 credit score?', profile: { propertyValue: 200000, creditScore: 620 } }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('x-cache')).toBe('MISS');

    let edgeSpan: ExportedSpan | undefined;
    for (let attempt = 0; attempt < 50 && !edgeSpan; attempt++) {
      edgeSpan = exported.find((entry) => entry.service === 'apfa-edge' && entry.span.name === 'POST /v1/advice')?.span;
      if (!edgeSpan) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(edgeSpan, JSON.stringify(exported)).toBeDefined();
    expect(edgeSpan!.kind).toBe(2);
    expect(edgeSpan!.traceId).not.toBe(clientTrace);
    expect(edgeSpan!.attributes).toEqual(
      expect.arrayContaining([
        { key: 'http.response.status_code', value: { intValue: '200' } },
        { key: 'apfa.cache', value: { stringValue: 'MISS' } },
        { key: 'apfa.request_id', value: { stringValue: response.headers.get('x-request-id') } },
      ]),
    );

    const coreSpans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === edgeSpan!.traceId);
    const request = coreSpans.find((span) => span.name === 'POST /v1/advice');
    expect(request, coreSpans.map((span) => span.name).join(', ')).toBeDefined();
    expect(request!.parentSpanContext?.spanId).toBe(edgeSpan!.spanId);
    expect(request!.parentSpanContext?.isRemote).toBe(true);
    const stages = coreSpans.filter((span) => span.name.startsWith('advice '));
    expect(stages).toHaveLength(4);
    for (const stage of stages) expect(stage.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(exporter.getFinishedSpans().some((span) => span.spanContext().traceId === clientTrace)).toBe(false);
  }, 60_000);
});
