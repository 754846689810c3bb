import { pino, type Logger } from 'pino';
import type { LogLevel } from './cli-options';

/** Request headers never written to the log: they carry credentials or signatures. */
export const REDACTED_HEADERS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-amz-security-token"]'] as const;

/**
 * The service's root logger: JSON lines on stdout, named after the service, with credential
 * headers redacted. Components take children (`logger.child({ component })`); requests get theirs
 * from the request logging of `createServiceApp`.
 */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({ name, level, redact: [...REDACTED_HEADERS] });
}
