import type { Logger } from '@tenant-analytics/domain';
import type { Logger as PinoLogger } from 'pino';

/**
 * The workspace's `(message, fields)` logger port over a pino logger, for the tools: they log
 * through the port, and only a tool's `main` chooses pino and its destination.
 *
 * @example
 * const logger = pinoLogger(pino({ name: 'mocks' }, pino.destination(2)));
 * logger.debug('the local stack did not start', { err: error });
 */
export function pinoLogger(pino: PinoLogger): Logger {
  return {
    debug: (message, fields) => pino.debug(fields ?? {}, message),
    info: (message, fields) => pino.info(fields ?? {}, message),
    warn: (message, fields) => pino.warn(fields ?? {}, message),
    error: (message, fields) => pino.error(fields ?? {}, message),
    child: (bindings) => pinoLogger(pino.child(bindings)),
  };
}
