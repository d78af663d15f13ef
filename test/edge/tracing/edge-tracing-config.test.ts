import { describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../../edge/config.ts';
import { TRACEPARENT, formatTraceparent, newTraceIds } from '../../../shared/tracing/traceparent.ts';

const required = { CORE_URL: 'http://127.0.0.1:8080', UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:8079', UPSTASH_REDIS_REST_TOKEN: 'token' };

describe('edge OTEL_* settings', () => {
  it('are off by default, with the edge service name', () => {
    const config = parseEdgeConfig(required);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config.OTEL_SERVICE_NAME).toBe('apfa-edge');
  });

  it('parse the collector URL (trailing slash dropped) and percent-encoded headers', () => {
    const config = parseEdgeConfig({ ...required, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20YTpi' });
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('https://otel.example');
    expect(config.OTEL_EXPORTER_OTLP_HEADERS).toEqual({ authorization: 'Basic YTpi' });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'otel.example:4318'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'no-equals-sign'],
  ])('a malformed %s (%s) fails parsing, naming the variable and not the value', (name, value) => {
    let message = '';
    try {
      parseEdgeConfig({ ...required, [name]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`Invalid edge configuration:[\\s\\S]*${name}:`));
    expect(message).not.toContain(value);
  });
});

describe('traceparent (shared)', () => {
  it('writes fresh, valid W3C traceparents', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const header = formatTraceparent(newTraceIds());
      expect(header).toMatch(TRACEPARENT);
      seen.add(header);
    }
    expect(seen.size).toBe(100);
    expect(formatTraceparent({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, false)).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`);
    expect(TRACEPARENT.test(`00-${'0'.repeat(32)}-${'b'.repeat(16)}-01`)).toBe(false);
  });
});
