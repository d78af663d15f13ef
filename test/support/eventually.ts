/**
 * Polls until `probe` returns a value that is not null (a thrown probe counts as not yet, and its
 * error is named if time runs out). Tests and benches wait on servers with it.
 */
export async function eventually<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** The index version a core serves (its /ready), or null while it answers 503 or cannot be reached. */
export async function servedVersion(url: string): Promise<string | null> {
  const response = await fetch(`${url}/ready`).catch(() => null);
  if (!response || response.status !== 200) return null;
  return ((await response.json()) as { indexVersion?: string }).indexVersion ?? null;
}
