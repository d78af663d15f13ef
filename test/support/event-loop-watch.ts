/**
 * Watches how long this event loop is blocked: the largest gap between ticks of a 20 ms timer
 * (used by tests that check the job sandbox keeps the loop free, and by bench:indexing).
 */
export function watchEventLoop(): { worst(): number; stop(): number } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 20);
  return {
    worst: () => worst,
    /** Stops watching; returns the largest gap seen, in ms. */
    stop() {
      clearInterval(timer);
      return worst;
    },
  };
}
