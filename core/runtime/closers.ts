/** Something that holds resources until it is closed. */
export type Close = () => Promise<void> | void;

/** Collects the close functions of what a factory opened; `close()` runs them newest first. */
export interface Closers {
  add(close: Close): void;
  close(): Promise<void>;
}

export function createClosers(): Closers {
  const closers: Close[] = [];
  return {
    add: (close) => void closers.push(close),
    async close() {
      while (closers.length > 0) await closers.pop()!();
    },
  };
}
