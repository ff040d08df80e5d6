/**
 * The one pino logger. Children carry {tenant, provider, queue, jobId}; the object comes first and
 * the message is constant. Tokens, secrets and Authorization headers are redacted wherever they
 * appear, so a captured log never holds a credential.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'secret',
  'password',
  'token',
  'credentials',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.secret',
  '*.password',
  '*.token',
  '*.credentials',
  '*.authorization',
];

export interface LoggerSettings {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture the log; the server an async one. */
  destination?: DestinationStream;
  /** Human-readable lines; only worth it on a terminal. */
  pretty?: boolean;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  };
  if (settings.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A logger that drops everything, for pure code paths and tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
