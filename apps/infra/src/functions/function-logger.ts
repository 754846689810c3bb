/**
 * The logging port of this app's Lambda functions, in the house order `(message, fields)`.
 * Powertools' Logger satisfies it; tests pass a recording fake.
 */
export interface FunctionLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The subset of Powertools' Logger that {@link fromPowertoolsLogger} uses. */
interface StructuredLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** Adapts Powertools' Logger (JSON lines to CloudWatch) to {@link FunctionLogger}. */
export function fromPowertoolsLogger(logger: StructuredLogger): FunctionLogger {
  return {
    info: (message, fields = {}) => logger.info(message, { ...fields }),
    warn: (message, fields = {}) => logger.warn(message, { ...fields }),
    error: (message, fields = {}) => logger.error(message, { ...fields }),
  };
}
