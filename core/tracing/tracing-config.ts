import { z } from 'zod';

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/** `key=value,key2=value2` (the OTLP exporter's header list), keys and values URL-encoded per the spec. */
const HeaderListSchema = optionalNonEmpty.transform((value, context) => {
  if (value === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const entry of value.split(',')) {
    const at = entry.indexOf('=');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
      context.addIssue({ code: 'custom', message: 'a comma-separated list of name=value pairs (e.g. "authorization=Bearer%20abc")' });
      return z.NEVER;
    }
    try {
      headers[decodeURIComponent(key)] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      context.addIssue({ code: 'custom', message: `the value of ${key} is not valid percent-encoding` });
      return z.NEVER;
    }
  }
  return headers;
});

/** The samplers of the OpenTelemetry SDK environment specification. */
export const TRACE_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/**
 * The OpenTelemetry variables core reads (the SDK's own names). Tracing is off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set: no tracer, no span, no context is created then.
 */
export const TracingEnvSchema = z.object({
  /** OTLP/HTTP collector base URL (traces go to `<endpoint>/v1/traces`); unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalNonEmpty.pipe(
    z
      .string()
      .url()
      .refine((value) => /^https?:\/\//.test(value), 'an http:// or https:// URL')
      .optional(),
  ),
  /** Headers sent with every export (a hosted collector's API key); never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: HeaderListSchema,
  /** service.name on every span; default apfa-core (apfa-worker for `core/main.ts worker`). */
  OTEL_SERVICE_NAME: optionalNonEmpty.pipe(z.string().max(200).optional()),
  OTEL_TRACES_SAMPLER: optionalNonEmpty.pipe(z.enum(TRACE_SAMPLERS).optional()).transform((value) => value ?? 'parentbased_always_on'),
  /** The ratio for the *traceidratio samplers, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: optionalNonEmpty.transform((value) => (value === undefined ? 1 : Number(value))).pipe(z.number().min(0).max(1)),
});

/** The parsed OTEL_* settings. */
export type TracingConfig = z.infer<typeof TracingEnvSchema>;
