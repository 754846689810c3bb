import { DomainError, type DomainErrorOptions } from '@tenant-analytics/domain';

/**
 * Base of the churn-model errors, in the project's `DomainError` family. None is retriable: a bad
 * artifact or a bad feature vector stays bad on a second attempt.
 */
export class ChurnModelError extends DomainError {
  constructor(message: string, options: Omit<DomainErrorOptions, 'retriable'> = {}) {
    super(message, { ...options, retriable: false });
  }
}

/** The model artifact could not be read, parsed or decoded; the message names the file. */
export class ChurnModelArtifactError extends ChurnModelError {}

/** A feature vector does not fit the model (wrong length, non-finite value). */
export class ChurnModelInputError extends ChurnModelError {}
