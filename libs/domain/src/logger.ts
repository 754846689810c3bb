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
