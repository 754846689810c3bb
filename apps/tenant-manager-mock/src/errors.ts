/** Context of a failed publication to the `companies` stream. */
export interface PublishErrorContext {
  readonly streamName: string;
  readonly companyID?: string;
  readonly failedCount?: number;
  readonly errorCodes?: readonly string[];
}

/**
 * A snapshot (or some of a batch) could not be written to the `companies` stream.
 * `retriable` is true when trying again may succeed (throttling, internal failures).
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';

  constructor(
    message: string,
    readonly context: PublishErrorContext,
    readonly retriable: boolean,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
