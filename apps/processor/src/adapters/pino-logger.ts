import pino, { type Logger as PinoLogger, type LoggerOptions } from 'pino';
import type { Logger } from '../core/ports';

/** Field names whose values never reach a log line. */
const SECRET_FIELDS = ['credentials', 'secretAccessKey', 'sessionToken', 'apiKey', 'predictChurnApiKey', 'authorization', 'x-api-key', 'x-amz-security-token'];

/**
 * The pino redaction paths of {@link SECRET_FIELDS}: at the top level and up to two levels down
 * (e.g. `req.headers.authorization`). pino's paths match fixed depths, so deeper fields are not
 * covered: log identifiers and summaries, never whole requests or clients.
 */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`;
  return [key.startsWith('.') ? field : key, `*${key}`, `*.*${key}`];
});

/** The core's logger port over pino (JSON lines on stdout, secrets redacted). */
export class PinoLoggerAdapter implements Logger {
  constructor(private readonly pinoLogger: PinoLogger) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.pinoLogger.debug(fields ?? {}, message);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.pinoLogger.info(fields ?? {}, message);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.pinoLogger.warn(fields ?? {}, message);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.pinoLogger.error(fields ?? {}, message);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new PinoLoggerAdapter(this.pinoLogger.child(bindings));
  }
}

/** Builds the processor's root logger. */
export function createLogger(level: string, options: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const base = pino({ name: 'processor', level, redact: { paths: REDACTED_PATHS, censor: '***' }, ...options }, destination);
  return new PinoLoggerAdapter(base);
}
