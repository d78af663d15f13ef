import { z } from 'zod';

/**
 * A W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header),
 * version 00: `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`, lower case, ids not
 * all zeros.
 */
export const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A `traceparent` carried in a job payload, so the job's span continues the trace that enqueued it. */
export const TraceparentSchema = z.string().regex(TRACEPARENT, 'traceparent: 00-<32 hex>-<16 hex>-<2 hex>');

/** One span's place in a trace, as the W3C header carries it. */
export interface TraceIds {
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function randomHex(byteCount: number): string {
  const bytes = new Uint8Array(byteCount);
  // An all-zero id is invalid; 2^-64 at worst, but cheap to rule out.
  do crypto.getRandomValues(bytes);
  while (bytes.every((byte) => byte === 0));
  return hex(bytes);
}

/** A fresh trace id and span id from the platform's CSPRNG (web standard: Workers, Deno, Node). */
export function newTraceIds(): TraceIds {
  return { traceId: randomHex(16), spanId: randomHex(8) };
}

/** The `traceparent` naming `ids.spanId` as the parent of whatever the receiver starts; sampled unless told otherwise. */
export function formatTraceparent(ids: TraceIds, sampled = true): string {
  return `00-${ids.traceId}-${ids.spanId}-${sampled ? '01' : '00'}`;
}
