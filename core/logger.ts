import pino, { type Logger } from 'pino';
import { createPrettyDestination, type LogFormat } from './log-format.ts';
import { personalDataLogRedaction } from './privacy/log-redaction.ts';

export type { Logger };

/**
 * Structured JSON logs. Credentials and tokens are redacted by path in case anything ever
 * passes them in; personal data that slips into a message or field is redacted too (core/privacy); queries are still never logged.
 * `format: 'pretty'` writes the same (redacted) records as short lines for a terminal (core/log-format.ts).
 */
export function createLogger(options: {
  level: string;
  name?: string;
  destination?: pino.DestinationStream;
  format?: LogFormat;
  /** Fields added to every line from where it is logged: the current trace's `trace_id` and `span_id` when tracing is on. */
  contextFields?: () => Record<string, string>;
}): Logger {
  const destination =
    options.format === 'pretty' ? createPrettyDestination((text) => (options.destination ?? process.stdout).write(text)) : options.destination;
  // Emails, phone numbers, SSNs, card and account numbers, addresses: replaced in messages and fields.
  const redaction = personalDataLogRedaction();
  const { contextFields } = options;
  const redactFields = redaction.formatters?.log ?? ((object: Record<string, unknown>) => object);
  return pino(
    {
      ...redaction,
      // Context fields join after the redaction: a trace or span id of hex digits alone could pass for a card number.
      ...(contextFields ? { formatters: { ...redaction.formatters, log: (object: Record<string, unknown>) => ({ ...redactFields(object), ...contextFields() }) } } : {}),
      name: options.name ?? 'apfa-core',
      level: options.level,
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'access_token', 'refresh_token', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
