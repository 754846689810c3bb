import { DomainError } from '@tenant-analytics/domain';

/** Context of a failed publication to the `companies` stream (a type alias, so it is a log record). */
export type PublishErrorContext = {
  readonly streamName: string;
  readonly companyID?: string;
  readonly failedCount?: number;
  readonly errorCodes?: readonly string[];
};

/**
 * A snapshot (or some of a batch) could not be written to the `companies` stream.
 * `retriable` is true when trying again may succeed (throttling, internal failures).
 */
export class PublishError extends DomainError {
  declare readonly context: PublishErrorContext;

  constructor(message: string, context: PublishErrorContext, retriable: boolean, options: { cause?: unknown } = {}) {
    super(message, { ...options, context: { ...context }, retriable });
  }
}
