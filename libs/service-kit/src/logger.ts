import { pino, type Logger } from 'pino';
import type { LogLevel } from './cli-options';

/**
 * The service's root logger: JSON lines on stdout, named after the service. Components take
 * children (`logger.child({ component })`); requests get theirs from the request logging of
 * `createServiceApp`.
 */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({ name, level });
}
