/**
 * The workspace's logger port: a message first, then structured fields, never the other way
 * round (pino's own order is `(fields, message)`; adapters turn one into the other). Components
 * take a child with their name bound (`logger.child({ component })`).
 *
 * @example
 * logger.info('child ready', { component: 'kinesis', port: 4567 });
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that writes nothing: the default where logging is optional. */
export const SILENT_LOGGER: Logger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => SILENT_LOGGER,
});

/** The part of a pino logger {@link pinoLogger} uses: pino's `(fields, message)` order. */
export interface PinoLike {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): PinoLike;
}

/**
 * The {@link Logger} port over a pino logger: the one adapter from the port's `(message, fields)`
 * to pino's `(fields, message)`. Only a composition root chooses pino, its level, redaction and
 * destination; this library does not depend on pino (the shape is structural).
 *
 * @example
 * const logger = pinoLogger(pino({ name: 'mocks' }, pino.destination(2)));
 * logger.debug('the local stack did not start', { err: error });
 */
export function pinoLogger(pino: PinoLike): Logger {
  return {
    debug: (message, fields) => pino.debug(fields ?? {}, message),
    info: (message, fields) => pino.info(fields ?? {}, message),
    warn: (message, fields) => pino.warn(fields ?? {}, message),
    error: (message, fields) => pino.error(fields ?? {}, message),
    child: (bindings) => pinoLogger(pino.child(bindings)),
  };
}
