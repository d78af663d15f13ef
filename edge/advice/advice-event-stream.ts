import type { AdviceResponse } from '../../shared/contracts/advice.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { toProblem } from '../../shared/errors/problem.ts';
import { createEventStreamSplitter, formatServerSentEvent, parseServerSentEvent } from '../stream/server-sent-events.ts';
import { parseAnswer } from './answer-steps.ts';

/**
 * The events of core's `POST /v1/advice/stream` (core/routes/advice-stream-routes.ts): `meta`
 * `{ sources, indexVersion }`, `token` `{ text }`, `done` (the complete AdviceResponse, whose
 * `advice` is authoritative), `error` (problem+json; nothing follows it).
 */
export const ADVICE_EVENTS = { meta: 'meta', token: 'token', done: 'done', error: 'error' } as const;

/** Response headers of an advice event stream (X-Accel-Buffering: proxies must not hold it back). */
export const EVENT_STREAM_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } as const;

/**
 * A stored answer (HIT or STALE) written as the stream core would have sent: `meta`, then ONE
 * `token` carrying the whole advice, then `done`. One token, not the answer cut into pieces: the
 * text is already final, so chunking it would only add bytes and events (and faking a typing
 * delay would only slow the borrower down); it is also exactly what core sends for an extractive
 * answer, so clients that render tokens and clients that wait for `done` both work unchanged.
 * `json`: the response's JSON text when the caller has it already (a cached answer's body).
 */
export function answerAsEventStream(response: AdviceResponse, json: string = JSON.stringify(response)): string {
  return [
    formatServerSentEvent(ADVICE_EVENTS.meta, JSON.stringify({ sources: response.sources, indexVersion: response.indexVersion })),
    formatServerSentEvent(ADVICE_EVENTS.token, JSON.stringify({ text: response.advice })),
    formatServerSentEvent(ADVICE_EVENTS.done, json),
  ].join('');
}

export interface AdviceStreamRelay {
  /** What the client receives: core's events, verbatim and in order, each as soon as it is complete. */
  body: ReadableStream<Uint8Array>;
  /**
   * Settles once the stream can say no more: the `done` answer when a complete, schema-valid one
   * arrived before any `error`; null for a stream that ended with `error`, ended early, failed, or
   * that the client abandoned before `done`.
   */
  answer: Promise<AdviceResponse | null>;
}

export interface RelayOptions {
  /** `instance` of the closing `error` problem the edge writes itself. */
  instance: string;
  /** After this long with nothing to forward, a `: keep-alive` comment is sent (EventSource ignores comments). */
  heartbeatMs: number;
}

const KEEP_ALIVE = ': keep-alive\n\n';

/**
 * Pipes core's advice stream to the client while reading its events on the way through. Whole
 * events are forwarded the moment their closing blank line arrives (core writes one event per
 * chunk, so this adds no wait); only a partial event is held. That keeps the stream well formed
 * when core fails mid-way: the client then gets a closing `error` event (problem+json, like core's
 * own), never half an event glued to it.
 *
 * Cancelling the body (client gone) cancels `upstream`, which aborts the request to core. A
 * runtime notices a vanished client only when it next writes to it (workerd does), so while core
 * is silent a keep-alive comment goes out every `heartbeatMs`: a client that left is noticed, and
 * core's request cancelled, within that time.
 */
export function relayAdviceStream(upstream: ReadableStream<Uint8Array>, options: RelayOptions): AdviceStreamRelay {
  const reader = upstream.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const splitter = createEventStreamSplitter();
  let errored = false;
  let closed = false;
  let answer: AdviceResponse | null = null;
  let settle: (value: AdviceResponse | null) => void = () => undefined;
  const answered = new Promise<AdviceResponse | null>((resolve) => {
    settle = resolve;
  });
  // A read outlives a heartbeat: the next pull awaits the same one, so no chunk is lost or reordered.
  let pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const nextChunk = (): Promise<ReadableStreamReadResult<Uint8Array> | typeof KEEP_ALIVE> => {
    if (!pendingRead) {
      pendingRead = reader.read();
      pendingRead.catch(() => undefined); // observed by the pull that awaits it; never unhandled in between
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const heartbeat = new Promise<typeof KEEP_ALIVE>((resolve) => {
      timer = setTimeout(() => resolve(KEEP_ALIVE), options.heartbeatMs);
    });
    return Promise.race([pendingRead, heartbeat]).finally(() => clearTimeout(timer));
  };

  const read = (block: string) => {
    const event = parseServerSentEvent(block);
    if (!event || errored || answer) return;
    if (event.event === ADVICE_EVENTS.error) errored = true;
    else if (event.event === ADVICE_EVENTS.done) answer = parseAnswer(event.data);
  };
  const closingError = (error: AppError) => encoder.encode(formatServerSentEvent(ADVICE_EVENTS.error, JSON.stringify(toProblem(error, options.instance))));
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, failure: AppError) => {
    closed = true;
    // Core ended (or failed) without saying how the answer ended: tell the client, as core would.
    if (!errored && !answer) controller.enqueue(closingError(failure));
    controller.close();
    settle(errored ? null : answer);
  };

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array> | typeof KEEP_ALIVE;
          try {
            chunk = await nextChunk();
          } catch (error) {
            return closed ? undefined : finish(controller, describeBreak(error));
          }
          if (closed) return; // cancelled while this pull waited
          if (chunk === KEEP_ALIVE) return controller.enqueue(encoder.encode(KEEP_ALIVE));
          pendingRead = undefined;
          // At the end, text after the last blank line is an unfinished event: dropped, as an EventSource would.
          const blocks = splitter.push(chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true }));
          for (const block of blocks) read(block);
          if (blocks.length > 0) controller.enqueue(encoder.encode(blocks.join('')));
          if (chunk.done) {
            return finish(controller, new AppError('upstream-unavailable', { detail: 'Core ended the stream before the answer was complete.' }));
          }
          if (answer && !errored) settle(answer);
          if (blocks.length > 0) return;
        }
      },
      async cancel(reason) {
        closed = true;
        settle(errored ? null : answer);
        await reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, answer: answered };
}

function describeBreak(error: unknown): AppError {
  const timedOut = (error instanceof Error || error instanceof DOMException) && error.name === 'TimeoutError';
  return timedOut
    ? new AppError('upstream-timeout', { detail: 'Core stopped sending before the answer was complete.' })
    : new AppError('upstream-unavailable', { detail: 'The stream from core broke before the answer was complete.' });
}
