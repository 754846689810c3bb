import { DomainError } from '@tenant-analytics/domain';

/** The JSON error body every service answers with: `{"error":{"code","message"}}`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/** What {@link HttpError} accepts besides status, code and message. */
export interface HttpErrorOptions {
  /** The lower-level error that led to this one. */
  readonly cause?: unknown;
  /** Whether the same request may succeed later (5xx, 429); defaults from the status. */
  readonly retriable?: boolean;
  /** Extra response headers, e.g. `retry-after` or `x-amzn-ErrorType`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Structured context for the log line (never echoed to the client). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Machine-readable detail echoed as `error.details` (e.g. the failing fields). */
  readonly details?: unknown;
}

/**
 * An error that becomes an HTTP response, in the project's `DomainError` family. Route handlers
 * throw it; the service's error handler (see `createServiceApp`) turns it into `status` +
 * {@link HttpError.toBody}.
 *
 * @example
 * throw new HttpError(404, 'not-found', 'tenant comp_99999 not found');
 */
export class HttpError extends DomainError {
  readonly headers: Readonly<Record<string, string>>;
  readonly details: unknown;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message, { cause: options.cause, context: options.context, retriable: options.retriable ?? (status >= 500 || status === 429) });
    this.headers = options.headers ?? {};
    this.details = options.details;
  }

  /** The response body; subclasses may answer in another service's dialect. */
  toBody(): unknown {
    const error = { code: this.code, message: this.message };
    return (this.details === undefined ? { error } : { error: { ...error, details: this.details } }) satisfies ErrorBody;
  }
}

/**
 * An error answered the way AWS front doors answer (API Gateway, SageMaker runtime):
 * body `{"message": …}` and the error type in the `x-amzn-ErrorType` header, so AWS SDK clients
 * raise the matching exception class.
 *
 * @example
 * throw new AwsStyleError(403, 'InvalidSignatureException', 'The request signature we calculated does not match …');
 */
export class AwsStyleError extends HttpError {
  constructor(status: number, errorType: string, message: string, options: HttpErrorOptions = {}) {
    super(status, errorType, message, { ...options, headers: { ...options.headers, 'x-amzn-ErrorType': errorType } });
  }

  override toBody(): unknown {
    return { message: this.message };
  }
}
