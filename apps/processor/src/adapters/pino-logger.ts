import pino, { type Logger as PinoLogger, type LoggerOptions } from 'pino';
import type { Logger } from '../core/ports';

/** Field names whose values never reach a log line. */
export const REDACTED_PATHS = ['credentials', '*.credentials', 'secretAccessKey', '*.secretAccessKey', 'sessionToken', '*.sessionToken', 'apiKey', '*.apiKey', 'predictChurnApiKey', '*.predictChurnApiKey', 'authorization', '*.authorization', 'x-api-key', '*["x-api-key"]'];

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
