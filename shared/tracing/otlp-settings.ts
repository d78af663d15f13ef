import { z } from 'zod';

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/** OTEL_EXPORTER_OTLP_ENDPOINT: the OTLP/HTTP collector's base URL (spans go to `<endpoint>/v1/traces`); unset: tracing off. */
export const OtlpEndpointSchema = optionalNonEmpty.pipe(
  z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), 'an http:// or https:// URL')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
);

/**
 * OTEL_EXPORTER_OTLP_HEADERS: `name=value,name2=value2`, values percent-encoded (the
 * OpenTelemetry environment specification), sent with every export, e.g. a hosted collector's key.
 */
export const OtlpHeadersSchema = optionalNonEmpty.transform((value, context) => {
  if (value === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const entry of value.split(',')) {
    const at = entry.indexOf('=');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      context.addIssue({ code: 'custom', message: 'a comma-separated list of name=value pairs (e.g. "authorization=Bearer%20abc")' });
      return z.NEVER;
    }
    try {
      headers[name] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      context.addIssue({ code: 'custom', message: `the value of ${name} is not valid percent-encoding` });
      return z.NEVER;
    }
  }
  return headers;
});

/** Where traces go, from the OTEL_EXPORTER_OTLP_* settings. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint}/v1/traces`;
}
