import { DomainError, type DomainErrorOptions } from '@tenant-analytics/domain';

/** Context attached to every local stack error: which component, which port, what it printed. */
export type LocalStackErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Options shared by the local stack errors. */
export interface LocalStackErrorOptions extends DomainErrorOptions {
  readonly context?: LocalStackErrorContext;
  /** @default false - only a lost port race is worth another attempt */
  readonly retriable?: boolean;
}

/** Base of the local stack's errors: a message for people, a context for logs, a retry hint. */
export class LocalStackError extends DomainError {
  declare readonly context: LocalStackErrorContext;

  constructor(message: string, options: LocalStackErrorOptions = {}) {
    super(message, options);
  }
}

/** An option given to {@link startLocalStack} (or a `serve mocks` flag) is invalid; names the key. */
export class LocalStackConfigError extends LocalStackError {}

/**
 * A child process (emulator or service) did not start or did not answer in time. The message ends
 * with the child's last output lines. `retriable` is true when its port was taken (it lost a race
 * for a free port, or a port it must keep is not free yet): worth another try.
 */
export class ComponentStartError extends LocalStackError {}

/** The container backend failed: an image could not be built, a container could not be created or removed. */
export class ContainerBackendError extends LocalStackError {}

/**
 * The container backend was asked for (`LOCAL_STACK_BACKEND=containers`, `--backend containers`)
 * and no Docker engine answers; the message names what is missing.
 */
export class ContainerEngineUnavailableError extends LocalStackError {}
