import { abortReason } from './deadline.ts';

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  participants: number;
  /** Tokens emitted so far, replayed to callers who join late. */
  tokens: string[];
  listeners: Set<(token: string) => void>;
}

export interface SingleFlightCall {
  /** This caller's signal; the shared work is aborted only when every caller has gone. */
  signal?: AbortSignal | undefined;
  /** Receives the shared work's tokens (those already emitted first). */
  onToken?: ((token: string) => void) | undefined;
}

/**
 * Identical calls in flight at once share one execution: the first caller starts `work`, later
 * callers with the same key wait for the same result and see its streamed tokens. A caller that
 * aborts stops waiting; the work itself is aborted only when the last caller has left.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** Keys with work in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /** Whether work for `key` is in flight (a call now would join it). */
  has(key: string): boolean {
    return this.#flights.has(key);
  }

  run(key: string, call: SingleFlightCall, work: (signal: AbortSignal, emit: ((token: string) => void) | undefined) => Promise<T>): Promise<T> {
    call.signal?.throwIfAborted();
    let flight = this.#flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const started: Flight<T> = { promise: Promise.resolve() as Promise<T>, controller, participants: 0, tokens: [], listeners: new Set() };
      const emit = (token: string) => {
        started.tokens.push(token);
        for (const listener of started.listeners) listener(token);
      };
      started.promise = (async () => {
        try {
          // Streaming is requested from the work only when the first caller streams.
          return await work(controller.signal, call.onToken ? emit : undefined);
        } finally {
          if (this.#flights.get(key) === started) this.#flights.delete(key);
        }
      })();
      this.#flights.set(key, started);
      flight = started;
    }
    return this.#join(key, flight, call);
  }

  #join(key: string, flight: Flight<T>, call: SingleFlightCall): Promise<T> {
    flight.participants++;
    const listener = call.onToken;
    if (listener) {
      for (const token of flight.tokens) listener(token);
      flight.listeners.add(listener);
    }
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = (): boolean => {
        if (left) return false;
        left = true;
        flight.participants--;
        if (listener) flight.listeners.delete(listener);
        call.signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = () => {
        if (!leave()) return;
        if (flight.participants === 0 && call.signal) {
          // Nobody waits any more: stop the work, and let a new caller start afresh rather than join it.
          if (this.#flights.get(key) === flight) this.#flights.delete(key);
          flight.controller.abort(call.signal.reason);
        }
        reject(call.signal ? abortReason(call.signal) : new Error('aborted'));
      };
      call.signal?.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          if (leave()) resolve(value);
        },
        (error: unknown) => {
          if (leave()) reject(error);
        },
      );
    });
  }
}
