/** Context attached to every local stack error: which component, which port, what it printed. */
export type LocalStackErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Options shared by the local stack errors. */
export interface LocalStackErrorOptions {
  readonly cause?: unknown;
  readonly context?: LocalStackErrorContext;
  /** @default false - only a lost port race is worth another attempt */
  readonly retriable?: boolean;
}

/** Base of the local stack's errors: a message for people, a context for logs, a retry hint. */
export class LocalStackError extends Error {
  readonly context: LocalStackErrorContext;
  readonly retriable: boolean;

  constructor(message: string, options: LocalStackErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
    this.retriable = options.retriable ?? false;
  }
}

/** An option given to {@link startLocalStack} (or a `serve mocks` flag) is invalid; names the key. */
export class LocalStackConfigError extends LocalStackError {}

/**
 * A child process (emulator or service) did not start or did not answer in time. The message ends
 * with the child's last output lines. `retriable` is true when it lost a race for a free port.
 */
export class ComponentStartError extends LocalStackError {}

/** `.local/endpoints.json` is missing, not JSON, or does not match the endpoints schema. */
export class EndpointsFileError extends LocalStackError {}
