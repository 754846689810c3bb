/** Options shared by the churn-model errors. */
export interface ChurnModelErrorOptions {
  /** The underlying error, forwarded as the standard `cause`. */
  readonly cause?: unknown;
  /** Values that locate the failure (a file path, a vector length). */
  readonly context?: Readonly<Record<string, unknown>>;
}

/**
 * Base of the churn-model error family. None is retriable: a bad artifact or a bad feature vector
 * stays bad on a second attempt.
 */
export class ChurnModelError extends Error {
  /** Whether repeating the same call can succeed. */
  readonly retriable: boolean = false;
  /** Values that locate the failure. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, options: ChurnModelErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }
}

/** The model artifact could not be read, parsed or decoded; the message names the file. */
export class ChurnModelArtifactError extends ChurnModelError {}

/** A feature vector does not fit the model (wrong length, non-finite value). */
export class ChurnModelInputError extends ChurnModelError {}
