import { z } from 'zod';
import { OtlpEndpointSchema, OtlpHeadersSchema } from '../../shared/tracing/otlp-settings.ts';

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/** The samplers of the OpenTelemetry SDK environment specification. */
const TRACE_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/**
 * The OpenTelemetry variables core reads (the SDK's own names). Tracing is off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set: no tracer, no span, no context is created then.
 */
export const TracingEnvSchema = z.object({
  /** OTLP/HTTP collector base URL (traces go to `<endpoint>/v1/traces`); unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: OtlpEndpointSchema,
  /** Headers sent with every export (a hosted collector's API key); never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: OtlpHeadersSchema,
  /** service.name on every span; default apfa-core (apfa-worker for `core/main.ts worker`). */
  OTEL_SERVICE_NAME: optionalNonEmpty.pipe(z.string().max(200).optional()),
  OTEL_TRACES_SAMPLER: optionalNonEmpty.pipe(z.enum(TRACE_SAMPLERS).optional()).transform((value) => value ?? 'parentbased_always_on'),
  /** The ratio for the *traceidratio samplers, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: optionalNonEmpty.transform((value) => (value === undefined ? 1 : Number(value))).pipe(z.number().min(0).max(1)),
});

/** The parsed OTEL_* settings. */
export type TracingConfig = z.infer<typeof TracingEnvSchema>;
