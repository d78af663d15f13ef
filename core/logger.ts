import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Credentials and tokens are redacted by path in case anything ever
 * passes them in; callers must still never log raw personal data (queries are not logged).
 */
export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.name ?? 'apfa-core',
      level: options.level,
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'access_token', 'refresh_token', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
