import { describe, expect, it } from 'vitest';
import { createAdmissionLeases, type RoundTrip } from '../../edge/advice/admission-leases.ts';
import type { CachedAnswer } from '../../edge/cache/advice-cache.ts';
import type { LimitAndRead } from '../../edge/http/sliding-window-limiter.ts';

const HOUR = 3_600_000;
const answer = (text: string): CachedAnswer => ({ body: `{"advice":"${text}"}`, response: () => ({ advice: text }) as never });
const caller = { sub: 'user-1', epoch: 2 };

/** A clock, the leases, and a stand-in for the admission script's reply: Redis' count of the window in `counted`. */
function setUp(memoryMs = 1_000, limit = 1_000) {
  let at = 10_000;
  const leases = createAdmissionLeases({ memoryMs, now: () => at, maxLease: 64 });
  let counted = 0;
  const reset = () => (Math.floor(at / HOUR) + 1) * HOUR;
  /** What the script does for `trip`: refund, grant min(requested, max(1, ⌊available / 8⌋)), read. */
  const run = (trip: RoundTrip, read: { version?: unknown; epochRecord?: unknown; answer?: CachedAnswer | null } = {}) => {
    if (trip.take.refund && trip.take.refund.reset === reset()) counted -= trip.take.refund.tokens;
    const available = limit - counted;
    let granted = 0;
    if (trip.take.request > 0) {
      if (available < 1) {
        const refused: LimitAndRead = { result: { success: false, limit, remaining: 0, reset: reset() }, values: [], granted: 0 };
        return leases.settle(trip, refused, { version: null, epochRecord: null, answer: null });
      }
      granted = Math.min(trip.take.request, Math.max(1, Math.floor(available / 8)));
      counted += granted;
    }
    const outcome: LimitAndRead = { result: { success: true, limit, remaining: limit - counted, reset: reset() }, values: [], granted };
    return leases.settle(trip, outcome, { version: 'v1', epochRecord: null, answer: answer('cached'), ...read });
  };
  return { leases, run, advance: (ms: number) => (at += ms), counted: () => counted, setAt: (ms: number) => (at = ms) };
}

describe('admission leases (isolate memory between advice round trips)', () => {
  it('with memoryMs 0 every request is a round trip counting one token, and nothing is admitted from memory', () => {
    const { leases, run, counted } = setUp(0);
    for (let index = 0; index < 5; index += 1) {
      expect(leases.admitFromMemory('user-1', caller, 'hash-a')).toBeUndefined();
      const trip = leases.beginRoundTrip('user-1', 'hash-a');
      expect(trip.take).toEqual({ request: 1 });
      expect(run(trip).remaining).toBe(1_000 - (index + 1));
    }
    expect(counted()).toBe(5);
  });

  it('a caller asking faster than a lease lasts gets doubling leases, spends them from memory with exact RateLimit-Remaining, and the hits are reported by the next round trip', () => {
    const { leases, run, counted } = setUp();
    let served = 0;
    let trips = 0;
    let reported = 0;
    for (let index = 0; index < 200; index += 1) {
      const remembered = leases.admitFromMemory('user-1', caller, 'hash-a');
      let remaining: number;
      if (remembered) {
        expect(remembered.answer.body).toBe('{"advice":"cached"}');
        remaining = remembered.result.remaining;
      } else {
        const trip = leases.beginRoundTrip('user-1', 'hash-a');
        reported += trip.pendingHits;
        trips += 1;
        remaining = run(trip).remaining;
      }
      served += 1;
      // What a one-token-per-request count would say: the held tokens are the caller's.
      expect(remaining).toBe(1_000 - served);
      // Never admitted beyond what Redis counted.
      expect(counted()).toBeGreaterThanOrEqual(served);
    }
    expect(trips).toBeLessThan(15); // 1, 2, 4, …, 64, 64, …
    // Every hit from memory is reported once: by a later round trip, or still waiting for one.
    expect(reported + pendingOf(leases)).toBe(served - trips);
  });

  it('admits nothing from memory once a read is older than memoryMs, the window is over, the caller is revoked, or the answer is not remembered for the live version', () => {
    const fresh = () => {
      const context = setUp();
      // Grants of 1, 2, then a trip spending the held token, then 4: three tokens held.
      for (let index = 0; index < 4; index += 1) context.run(context.leases.beginRoundTrip('user-1', 'hash-a'));
      expect(context.leases.admitFromMemory('user-1', caller, 'hash-a')).toBeDefined();
      return context;
    };
    const old = fresh();
    old.advance(1_000);
    expect(old.leases.admitFromMemory('user-1', caller, 'hash-a')).toBeUndefined();

    const nextWindow = fresh();
    nextWindow.setAt(HOUR);
    expect(nextWindow.leases.admitFromMemory('user-1', caller, 'hash-a')).toBeUndefined();

    const other = fresh();
    expect(other.leases.admitFromMemory('user-1', caller, 'hash-b')).toBeUndefined(); // never read
    expect(other.leases.admitFromMemory('user-2', { sub: 'user-2' }, 'hash-a')).toBeUndefined(); // holds no tokens

    const revoked = setUp();
    for (let index = 0; index < 4; index += 1) revoked.run(revoked.leases.beginRoundTrip('user-1', 'hash-a'), { epochRecord: '3' });
    expect(revoked.leases.admitFromMemory('user-1', caller, 'hash-a')).toBeUndefined();
    expect(revoked.leases.admitFromMemory('user-1', { sub: 'user-1', epoch: 3 }, 'hash-a')).toBeDefined();

    const published = fresh();
    // A round trip for another question reads a new live version: the old version's answer is not served.
    published.run(published.leases.beginRoundTrip('user-1', 'hash-b'), { version: 'v2' });
    expect(published.leases.admitFromMemory('user-1', caller, 'hash-a')).toBeUndefined();
    expect(published.leases.admitFromMemory('user-1', caller, 'hash-b')).toBeDefined();
  });

  it('a lease held past memoryMs hands its unspent tokens back in the same window and asks for what was used', () => {
    const { leases, run, advance, counted } = setUp();
    for (let index = 0; index < 4; index += 1) {
      if (!leases.admitFromMemory('user-1', caller, 'hash-a')) run(leases.beginRoundTrip('user-1', 'hash-a'));
    }
    // Requests 1 (grant 1), 2 (grant 2), 3 (memory), 4 (grant 4): 4 served, 3 held.
    expect(counted()).toBe(7);
    advance(1_500);
    const trip = leases.beginRoundTrip('user-1', 'hash-a');
    expect(trip.take.refund).toEqual({ reset: HOUR, tokens: 3 });
    expect(trip.take.request).toBe(4);
    expect(run(trip).remaining).toBe(1_000 - 5);
    expect(counted()).toBe(4 + 4); // 4 served before, then a grant of 4 of which this request spent one
  });

  it('a slow caller keeps leases of one token: nothing is held between requests', () => {
    const { leases, run, advance, counted } = setUp();
    for (let index = 0; index < 5; index += 1) {
      expect(leases.admitFromMemory('user-1', caller, 'hash-a')).toBeUndefined();
      const trip = leases.beginRoundTrip('user-1', 'hash-a');
      expect(trip.take).toEqual({ request: 1, refund: undefined });
      run(trip);
      expect(counted()).toBe(index + 1);
      advance(5_000);
    }
  });

  it('near the limit grants shrink to one token, so exactly the limit is admitted; a refusal keeps the hits for the next round trip', () => {
    const { leases, run } = setUp(1_000, 40);
    let admitted = 0;
    for (let index = 0; index < 60; index += 1) {
      const remembered = leases.admitFromMemory('user-1', caller, 'hash-a');
      if (remembered) {
        admitted += 1;
        continue;
      }
      if (run(leases.beginRoundTrip('user-1', 'hash-a')).success) admitted += 1;
    }
    expect(admitted).toBe(40);
    const failed = leases.beginRoundTrip('user-1', 'hash-a');
    leases.abandon(failed);
    expect(leases.beginRoundTrip('user-1', 'hash-a').pendingHits).toBe(failed.pendingHits);
  });
});

/** Hits admitted from memory and not yet taken by a round trip (read without disturbing them). */
function pendingOf(leases: ReturnType<typeof createAdmissionLeases>): number {
  const trip = leases.beginRoundTrip('probe', undefined);
  leases.abandon(trip);
  return trip.pendingHits;
}
