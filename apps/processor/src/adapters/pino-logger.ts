import { pinoLogger, type Logger } from '@tenant-analytics/domain';
import pino, { type LoggerOptions } from 'pino';

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

/** Builds the processor's root logger: JSON lines on stdout, secrets redacted, through the workspace's one pino adapter. */
export function createLogger(level: string, options: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const base = pino({ name: 'processor', level, redact: { paths: REDACTED_PATHS, censor: '***' }, ...options }, destination);
  return pinoLogger(base);
}
