import { z } from 'zod';

/** The Redis pub/sub channel every core API instance listens on for new index versions. */
export function indexSwapChannel(prefix: string): string {
  return `${prefix}index:swap`;
}

/** What the publish job announces. */
export const SwapMessageSchema = z.object({
  version: z.string().regex(/^[0-9a-f]{16}$/),
  previous: z.string().nullable(),
  at: z.iso.datetime(),
});
export type SwapMessage = z.infer<typeof SwapMessageSchema>;

/** Parses a message from the channel: the JSON above, or (for manual `PUBLISH`) a bare version id. */
export function parseSwapMessage(raw: string): SwapMessage | null {
  const trimmed = raw.trim();
  if (/^[0-9a-f]{16}$/.test(trimmed)) return { version: trimmed, previous: null, at: new Date().toISOString() };
  try {
    const parsed = SwapMessageSchema.safeParse(JSON.parse(trimmed));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
