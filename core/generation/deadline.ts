import { AppError } from '../../shared/errors/app-error.ts';

/** Reason given to the signal when a generation's own deadline passes. */
export class DeadlineExceededError extends AppError {
  constructor(what: string, timeoutMs: number) {
    super('upstream-timeout', { detail: `${what} took longer than ${timeoutMs} ms` });
  }
}

/**
 * Runs `work` with a signal that aborts when the caller's signal does or `timeoutMs` passes.
 * A passed deadline surfaces as an `upstream-timeout` AppError; a caller's abort as the caller's reason.
 * Without `timeoutMs` there is no timer: the caller's signal (e.g. the resilient wrapper's
 * per-attempt timeout) is the only deadline.
 */
export async function withDeadline<T>(callerSignal: AbortSignal | undefined, timeoutMs: number | undefined, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  callerSignal?.throwIfAborted();
  const deadline = new AbortController();
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => deadline.abort(new DeadlineExceededError(what, timeoutMs)), timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
  try {
    return await work(signal);
  } catch (error) {
    throw signal.aborted ? abortReason(signal) : error;
  } finally {
    clearTimeout(timer);
  }
}

/** The reason a signal was aborted, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(typeof reason === 'string' ? reason : 'The operation was aborted.', 'AbortError');
}

/**
 * Settles like `work`, or rejects with the signal's reason as soon as the signal aborts, whichever
 * comes first; for work that may not watch the signal itself. A later rejection of `work` is
 * observed, never left unhandled.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
