import type { Logger } from '@tenant-analytics/processor';

/** A warning or error the processor logged. */
export interface LoggedWarning {
  readonly level: 'warn' | 'error';
  readonly message: string;
}

/**
 * The processor's logger in scenario 4: debug and info are dropped (a benchmark should not pay for
 * log lines the Lambda would ship to CloudWatch), warnings and errors are counted and the first
 * `keep` of them kept, so that a run that hit retries or conflicts says so.
 */
export class WarningsLogger implements Logger {
  constructor(
    readonly seen: { warnings: number; errors: number; first: LoggedWarning[] } = { warnings: 0, errors: 0, first: [] },
    private readonly keep = 20,
  ) {}

  debug(_message: string): void {
    // dropped: see the class note
  }

  info(_message: string): void {
    // dropped: see the class note
  }

  warn(message: string): void {
    this.seen.warnings += 1;
    this.remember({ level: 'warn', message });
  }

  error(message: string): void {
    this.seen.errors += 1;
    this.remember({ level: 'error', message });
  }

  child(_bindings: Record<string, unknown>): Logger {
    return new WarningsLogger(this.seen, this.keep);
  }

  private remember(warning: LoggedWarning): void {
    if (this.seen.first.length < this.keep) this.seen.first.push(warning);
  }
}
