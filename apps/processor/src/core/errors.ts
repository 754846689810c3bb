import { DomainError, isRetriable, type DomainErrorOptions } from '@tenant-analytics/domain';

/**
 * The processor's errors: part of the project's one family ({@link DomainError}), so every error
 * says whether retrying can help (`retriable`), carries context and forwards its cause.
 */
export class ProcessorError extends DomainError {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options);
  }
}

/** A dependency (state table, S3, Kinesis, an upstream API) failed in a way worth retrying later. */
export class DependencyUnavailableError extends ProcessorError {
  constructor(message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super(message, { retriable: true, context, cause });
  }
}

/** The churn model was unavailable for a whole batch: retry the batch later. */
export class ScoringUnavailableError extends DependencyUnavailableError {}

/**
 * The churn API answered 200 with a reply that breaks its contract (fewer predictions than
 * instances, a probability that is not a number). No record is at fault: like an outage, it is
 * retried, counts towards the breaker, and defers the batch instead of dead-lettering it.
 */
export class ChurnContractError extends DependencyUnavailableError {}

/**
 * Another writer moved a lane under us (an overlapping invocation of the same shard, a second
 * runner): this attempt stops without further effect. Retriable: a retry re-reads the lane and
 * goes on from where the other writer left it.
 */
export class LaneConflictError extends ProcessorError {
  constructor(laneId: string, cause?: unknown) {
    super(`lane ${laneId} changed under this processor (an overlapping invocation or another processor on this shard); this attempt stopped without effect`, {
      retriable: true,
      context: { laneId },
      cause,
    });
  }
}

/** Whether an error is worth retrying (the family's flag; unknown errors are not). */
export const isRetriableError = isRetriable;

/** A short, log-safe description of an error. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
