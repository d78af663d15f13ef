import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdviceResponseSchema } from '../../../shared/contracts/advice.ts';
import { adviceStreamObservers, createMetrics } from '../../../core/http/metrics.ts';
import { getToken, startCore, type StartedCore } from '../../support/start-core.ts';

interface ServerSentEvent {
  event: string;
  id: string | undefined;
  data: unknown;
}

/** Reads a text/event-stream body to its end, event by event, as a browser's EventSource would. */
async function readEvents(response: Response): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const field = (name: string) => lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trimStart());
      events.push({ event: field('event')[0] ?? 'message', id: field('id')[0], data: JSON.parse(field('data').join('\n')) as unknown });
    }
  }
  expect(buffer.trim()).toBe('');
  return events;
}

const metricValue = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('POST /v1/advice/stream through the real composition root (extractive default)', () => {
  let core: StartedCore;
  let token: string;

  beforeAll(async () => {
    core = await startCore();
    token = await getToken(core.url, 'admin', core.adminPassword);
  });
  afterAll(() => core?.stop());

  it('streams meta, the answer as a token and the complete response over HTTP, and records time to first token in /metrics', async () => {
    const before = await (await fetch(`${core.url}/metrics`)).text();
    expect(before).toContain('# TYPE apfa_generation_first_token_seconds histogram');
    expect(metricValue(before, 'apfa_generation_first_token_seconds_count')).toBe(0);

    const response = await fetch(`${core.url}/v1/advice/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'What are my options for a $200,000 home with a 620 credit score?', profile: { propertyValue: 200_000, creditScore: 620 } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(response);
    expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'done']);

    const done = AdviceResponseSchema.parse(events[2]!.data);
    expect(done.generator).toBe('extractive-v1');
    expect(done.degraded).toBeUndefined();
    expect(done.sources.length).toBeGreaterThan(0);
    expect(done.advice).toMatch(/\[1\]/);
    expect(events[0]!.data).toEqual({ sources: done.sources, indexVersion: done.indexVersion });
    expect(events[1]!.data).toEqual({ text: done.advice });

    const after = await (await fetch(`${core.url}/metrics`)).text();
    expect(metricValue(after, 'apfa_generation_first_token_seconds_count')).toBe(1);
    const seconds = metricValue(after, 'apfa_generation_first_token_seconds_sum')!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(done.timings.totalMs / 1000 + 1);
    expect(after).toContain('apfa_requests_total{method="POST",route="/v1/advice/stream",status="200"} 1');
    // No stream ended in an error event.
    expect(after).toContain('# TYPE apfa_advice_stream_errors_total counter');
    expect(after).not.toMatch(/^apfa_advice_stream_errors_total\{/m);
  });
});

describe('adviceStreamObservers', () => {
  it('counts streams that ended in an error event by problem code, and observes first tokens', async () => {
    const metrics = createMetrics();
    const observers = adviceStreamObservers(metrics);
    observers.onStreamError('upstream-unavailable');
    observers.onStreamError('upstream-unavailable');
    observers.onStreamError('upstream-timeout');
    observers.observeFirstToken(0.3);
    const text = await metrics.registry.metrics();
    expect(metricValue(text, 'apfa_advice_stream_errors_total{code="upstream-unavailable"}')).toBe(2);
    expect(metricValue(text, 'apfa_advice_stream_errors_total{code="upstream-timeout"}')).toBe(1);
    expect(metricValue(text, 'apfa_generation_first_token_seconds_bucket{le="0.25"}')).toBe(0);
    expect(metricValue(text, 'apfa_generation_first_token_seconds_bucket{le="0.5"}')).toBe(1);
  });
});
