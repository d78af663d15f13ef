/** Attribute values a span takes. */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** What code running in a span may do with it. */
export interface ActiveSpan {
  setAttributes(attributes: SpanAttributes): void;
  /** Renames the span (an HTTP span learns its route only after routing). */
  updateName(name: string): void;
  /** Marks the span failed; an error thrown out of the span's function is recorded without this. */
  fail(error?: unknown): void;
}

export interface SpanOptions {
  kind?: 'internal' | 'server' | 'consumer';
  attributes?: SpanAttributes;
  /**
   * Continue a trace from outside instead of the current span: an incoming request's headers or a
   * job's payload. A missing `traceparent` (or a malformed one) starts a new trace.
   */
  remoteParent?: { traceparent?: string | undefined; tracestate?: string | undefined };
}

/**
 * Traces as the service sees them (core/tracing/create-tracing.ts implements it over the
 * OpenTelemetry SDK). Domain code is handed functions built on this, never OpenTelemetry itself.
 */
export interface Tracing {
  /** False when OTEL_EXPORTER_OTLP_ENDPOINT is unset: `span` only calls its function. */
  readonly enabled: boolean;
  /** Runs `run` in a new span, a child of the current one (or of `remoteParent`), ended when `run` settles. */
  span<T>(name: string, options: SpanOptions, run: (span: ActiveSpan) => Promise<T>): Promise<T>;
  /** The current span as a W3C `traceparent` (for a job payload); undefined outside a span. */
  traceparent(): string | undefined;
  /** `trace_id` and `span_id` of the current span, for a log line; empty outside a span. */
  logFields(): Record<string, string>;
  /** Exports what is buffered and stops. */
  close(): Promise<void>;
}

const noSpan: ActiveSpan = { setAttributes: () => undefined, updateName: () => undefined, fail: () => undefined };

/** Tracing off: no spans, no context, nothing exported. */
export const disabledTracing: Tracing = {
  enabled: false,
  span: (_name, _options, run) => run(noSpan),
  traceparent: () => undefined,
  logFields: () => ({}),
  close: async () => undefined,
};
