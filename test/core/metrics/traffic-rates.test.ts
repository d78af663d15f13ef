import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../core/http/metrics.ts';
import { createTrafficRates, readTrafficTotals, type TrafficTotals } from '../../../core/metrics/traffic-rates.ts';

const totals = (values: Partial<TrafficTotals>): TrafficTotals => ({ requests: 0, clientErrors: 0, serverErrors: 0, cacheHits: 0, cacheMisses: 0, ...values });

describe('traffic rates from the metrics registry', () => {
  it('reads requests by status class and the edge cache counters from the registry', async () => {
    const metrics = createMetrics({ readEdgeCacheCounters: async () => ({ hits: 7, misses: 3 }) });
    metrics.requests.inc({ method: 'GET', route: '/health', status: '200' }, 5);
    metrics.requests.inc({ method: 'POST', route: '/v1/advice', status: '422' }, 2);
    metrics.requests.inc({ method: 'GET', route: '/admin/users', status: '401' });
    metrics.requests.inc({ method: 'POST', route: '/v1/advice', status: '503' });
    await expect(readTrafficTotals(metrics.registry)).resolves.toEqual({ requests: 9, clientErrors: 3, serverErrors: 1, cacheHits: 7, cacheMisses: 3 });
  });

  it('counts nothing for edge counters it cannot read and a garbled value', async () => {
    const metrics = createMetrics({ readEdgeCacheCounters: async () => ({ hits: Number('garbage'), misses: 2 }) });
    const read = await readTrafficTotals(metrics.registry);
    expect(read.cacheHits).toBe(0);
    expect(read.cacheMisses).toBe(2);
    await expect(readTrafficTotals(createMetrics().registry)).resolves.toEqual(totals({}));
  });

  it('is null on the first reading, then rates over the oldest sample in the window', async () => {
    let clock = 1_000_000;
    let current = totals({});
    const rates = createTrafficRates(async () => current, { now: () => clock, windowMs: 60_000 });
    const first = await rates();
    expect(first).toMatchObject({ windowSeconds: null, requestsPerSecond: null, cacheHitRatio: null, cacheLookups: null });

    clock += 10_000;
    current = totals({ requests: 50, clientErrors: 10, serverErrors: 5, cacheHits: 3, cacheMisses: 1 });
    const second = await rates();
    expect(second).toMatchObject({ windowSeconds: 10, requestsPerSecond: 5, clientErrorsPerSecond: 1, serverErrorsPerSecond: 0.5, cacheHitRatio: 0.75, cacheLookups: 4 });
    expect(second.totals).toEqual(current);

    // No edge lookups since the base: the ratio is unknown, not 0.
    clock += 10_000;
    const third = await rates();
    expect(third.windowSeconds).toBe(20);
    expect(third.cacheHitRatio).toBe(0.75);

    // Past the window the oldest samples drop out: the rate covers the last minute only.
    clock += 55_000;
    current = totals({ requests: 50, cacheHits: 3, cacheMisses: 1 });
    const later = await rates();
    expect(later.windowSeconds).toBe(55);
    expect(later.requestsPerSecond).toBe(0);
    expect(later.cacheHitRatio).toBeNull();
    expect(later.cacheLookups).toBe(0);
  });

  it('reads a counter that went down (edge counters flushed) as a reset, never a negative rate', async () => {
    let clock = 0;
    let current = totals({ requests: 10, cacheHits: 100, cacheMisses: 100 });
    const rates = createTrafficRates(async () => current, { now: () => clock });
    await rates();
    clock += 4000;
    current = totals({ requests: 14, cacheHits: 3, cacheMisses: 1 });
    const after = await rates();
    expect(after.requestsPerSecond).toBe(1);
    expect(after.cacheHitRatio).toBe(0.75);
  });

  it('keeps at most one sample per span however often it is called', async () => {
    let clock = 0;
    let reads = 0;
    const rates = createTrafficRates(async () => totals({ requests: ++reads }), { now: () => clock, minSpanMs: 1000 });
    await rates();
    clock += 200;
    // Too close to the only sample to compare with.
    await expect(rates()).resolves.toMatchObject({ windowSeconds: null });
    clock += 900;
    // Compared with the first sample (1 read), not the second call (not kept).
    await expect(rates()).resolves.toMatchObject({ windowSeconds: 1.1, requestsPerSecond: 2 / 1.1 });
  });
});
