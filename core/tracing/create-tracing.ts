import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, isSpanContextValid, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { otlpTracesUrl } from '../../shared/tracing/otlp-settings.ts';
import type { TracingConfig } from './tracing-config.ts';
import { disabledTracing, type ActiveSpan, type SpanAttributes, type SpanOptions, type Tracing } from './tracing.ts';

const KINDS = { internal: SpanKind.INTERNAL, server: SpanKind.SERVER, consumer: SpanKind.CONSUMER } as const;

export interface CreateTracingOptions {
  /** service.name when OTEL_SERVICE_NAME is unset. */
  serviceName: string;
  /**
   * Tests only: where finished spans go instead of the OTLP exporter (an InMemorySpanExporter),
   * exported one by one as they end. Tracing is still off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
   */
  exporter?: SpanExporter;
}

/**
 * Tracing from the OTEL_* settings: off (disabledTracing, nothing created) unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; else a tracer provider exporting OTLP/HTTP
 * (`<endpoint>/v1/traces`) in batches. The current span is kept in this instance's own
 * AsyncLocalStorage, so nothing global is registered and two runtimes in one process stay apart.
 */
export function createTracing(config: TracingConfig, options: CreateTracingOptions): Tracing {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint === undefined) return disabledTracing;
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(endpoint), headers: config.OTEL_EXPORTER_OTLP_HEADERS ?? {} }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? options.serviceName, [ATTR_SERVICE_VERSION]: '0.1.0' }),
    sampler: sampler(config),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('apfa-core');
  const propagator = new W3CTraceContextPropagator();
  const current = new AsyncLocalStorage<Context>();
  const active = (): Context => current.getStore() ?? ROOT_CONTEXT;

  return {
    enabled: true,
    span(name, spanOptions, run) {
      const parent = spanOptions.remoteParent ? remoteContext(propagator, spanOptions.remoteParent) : active();
      const span = tracer.startSpan(name, { kind: KINDS[spanOptions.kind ?? 'internal'], attributes: defined(spanOptions.attributes) }, parent);
      return current.run(trace.setSpan(parent, span), async () => {
        try {
          return await run(activeSpan(span));
        } catch (error) {
          fail(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
    },
    traceparent() {
      const carrier: Record<string, string> = {};
      propagator.inject(active(), carrier, defaultTextMapSetter);
      return carrier.traceparent;
    },
    logFields(): Record<string, string> {
      const context = trace.getSpan(active())?.spanContext();
      return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
    },
    close: () => provider.shutdown(),
  };
}

function sampler(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The context a remote `traceparent` describes; the root (a new trace) when it is absent or malformed. */
function remoteContext(propagator: W3CTraceContextPropagator, headers: NonNullable<SpanOptions['remoteParent']>): Context {
  const carrier: Record<string, string> = {};
  if (headers.traceparent !== undefined) carrier.traceparent = headers.traceparent;
  if (headers.tracestate !== undefined) carrier.tracestate = headers.tracestate;
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

function defined(attributes: SpanAttributes | undefined): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) result[key] = value;
  return result;
}

function activeSpan(span: Span): ActiveSpan {
  return {
    setAttributes: (attributes) => void span.setAttributes(defined(attributes)),
    updateName: (name) => void span.updateName(name),
    fail: (error) => fail(span, error),
  };
}

function fail(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, ...(error instanceof Error ? { message: error.message } : {}) });
}
