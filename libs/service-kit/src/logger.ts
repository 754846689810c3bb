import type { LogLevel } from '@tenant-analytics/domain';
import { pino, type Logger } from 'pino';

/** Request headers never written to the log: they carry credentials or signatures. */
export const REDACTED_HEADERS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-amz-security-token"]'] as const;

/**
 * The service's root logger: JSON lines on stdout, named after the service, with credential
 * headers redacted. Components take children (`logger.child({ component })`); requests get theirs
 * from the request logging of `createServiceApp`.
 *
 * Lines are written synchronously, and a stdout that nobody reads any more (EPIPE: the process
 * that started the service is gone) silences the log instead of stopping the service: pino's
 * default asynchronous destination retries such a write for ever when it flushes at exit, which
 * kept a service alive after SIGTERM.
 */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  const destination = pino.destination({ dest: 1, sync: true });
  destination.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return pino({ name, level, redact: [...REDACTED_HEADERS] }, destination);
}
