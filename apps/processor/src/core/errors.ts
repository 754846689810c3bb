/**
 * The processor's error family. Every error says whether retrying can help (`retriable`), carries
 * context (companyID, lane, sequence numbers) and forwards its cause.
 */
export class ProcessorError extends Error {
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, options: { retriable: boolean; context?: Record<string, unknown>; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable;
    this.context = options.context ?? {};
  }
}

/** A dependency (state table, S3, Kinesis, an upstream API) failed in a way worth retrying later. */
export class DependencyUnavailableError extends ProcessorError {
  constructor(message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super(message, { retriable: true, context, cause });
  }
}

/** The churn model stayed unavailable (breaker open) for a whole batch: retry the batch later. */
export class ScoringUnavailableError extends DependencyUnavailableError {}

/** Another writer changed a lane under us (two runners on one shard): not retriable here. */
export class LaneConflictError extends ProcessorError {
  constructor(laneId: string, cause?: unknown) {
    super(`lane ${laneId} already has a different pending batch: is another processor reading this shard?`, {
      retriable: false,
      context: { laneId },
      cause,
    });
  }
}

/** Whether an error is worth retrying: errors of ours say so; unknown errors are not. */
export function isRetriableError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'retriable' in error && (error as { retriable: unknown }).retriable === true;
}

/** A short, log-safe description of an error. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
