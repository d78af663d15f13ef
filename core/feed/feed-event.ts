import { z } from 'zod';
import { JobEventSchema } from '../jobs/job-events.ts';

/**
 * Events of the admin live feed: job progress/completed/failed, index swaps and queue depth.
 * One union with the job system's events, so what a processor reports is what a browser gets.
 */
export const FeedEventSchema = JobEventSchema;
export type FeedEvent = z.infer<typeof FeedEventSchema>;

/** An event with its feed position. Ids are Redis stream ids (`<ms>-<seq>`), increasing; clients resume after one. */
export interface FeedEntry {
  id: string;
  event: FeedEvent;
}

const STREAM_ID = /^(\d{1,15})-(\d{1,15})$/;

/** A feed position as clients send it back (Last-Event-ID, lastEventId). */
export const FeedIdSchema = z.string().regex(STREAM_ID, 'a feed event id like 1700000000000-0');

function parts(id: string): [number, number] {
  const match = STREAM_ID.exec(id);
  if (!match) throw new Error(`Not a feed id: ${id}`);
  return [Number(match[1]), Number(match[2])];
}

/** Orders feed ids: negative when a is older than b. */
export function compareFeedIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

/** The later of two ids. */
export const laterFeedId = (a: string, b: string): string => (compareFeedIds(a, b) >= 0 ? a : b);

/** The position before every event. */
export const FEED_START = '0-0';
