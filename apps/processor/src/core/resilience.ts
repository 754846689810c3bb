import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { isRetriableError } from './errors';

/** Retry, budget and breaker settings for calls to one upstream service. */
export interface ResilienceSettings {
  /** Attempts in all, including the first. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Budget for all attempts of one call; the caller's signal is aborted when it runs out. */
  readonly totalTimeoutMs: number;
  /** Open the breaker after this many consecutive retriable failures; undefined = no breaker. */
  readonly breakerConsecutiveFailures?: number;
  readonly breakerHalfOpenAfterMs?: number;
}

/** Why a resilient call gave up. */
export type GiveUpReason = 'exhausted' | 'breaker-open' | 'budget-exceeded' | 'not-retriable';

/** The outcome of a resilient call: a value, or why it failed for good. */
export type ResilientResult<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly reason: GiveUpReason; readonly error: unknown; readonly attempts: number };

/** Observers for retries and breaker state, for metrics and logs. */
export interface ResilienceEvents {
  onRetry?(attempt: number, error: unknown): void;
  onBreakerStateChange?(state: 'open' | 'half-open' | 'closed'): void;
}

/**
 * Retries with capped exponential backoff and decorrelated jitter (cockatiel) on retriable errors
 * only, inside a total time budget, behind a consecutive-failure circuit breaker shared by every
 * call made through this instance. Non-retriable errors (4xx, decode errors, bugs) fail at once.
 */
export class ResilientCaller {
  private readonly policy: IPolicy;
  private readonly breaker?: CircuitBreakerPolicy;

  constructor(settings: ResilienceSettings, events: ResilienceEvents = {}) {
    const retriable = handleWhen((error) => isRetriableError(error) || error instanceof BrokenCircuitError);
    const retryPolicy = retry(retriable, {
      maxAttempts: Math.max(0, settings.maxAttempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: settings.initialDelayMs, maxDelay: settings.maxDelayMs }),
    });
    retryPolicy.onRetry((event) => events.onRetry?.(event.attempt, 'error' in event ? event.error : undefined));
    const budget = timeout(settings.totalTimeoutMs, TimeoutStrategy.Aggressive);
    if (settings.breakerConsecutiveFailures !== undefined) {
      this.breaker = circuitBreaker(handleWhen(isRetriableError), {
        halfOpenAfter: settings.breakerHalfOpenAfterMs ?? 10_000,
        breaker: new ConsecutiveBreaker(settings.breakerConsecutiveFailures),
      });
      this.breaker.onStateChange((state) => {
        const name = state === CircuitState.Open ? 'open' : state === CircuitState.HalfOpen ? 'half-open' : 'closed';
        events.onBreakerStateChange?.(name);
      });
      this.policy = wrap(budget, retryPolicy, this.breaker);
    } else {
      this.policy = wrap(budget, retryPolicy);
    }
  }

  /** True while the breaker is open (calls fail fast). */
  get breakerOpen(): boolean {
    return this.breaker?.state === CircuitState.Open;
  }

  /** Runs `call` with retries; never throws, the outcome says how it ended. */
  async call<T>(call: (signal: AbortSignal) => Promise<T>): Promise<ResilientResult<T>> {
    let attempts = 0;
    try {
      const value = await this.policy.execute(({ signal }) => {
        attempts += 1;
        return call(signal);
      });
      return { ok: true, value: value as T, attempts };
    } catch (error) {
      const reason: GiveUpReason =
        error instanceof TaskCancelledError
          ? 'budget-exceeded'
          : error instanceof BrokenCircuitError
            ? 'breaker-open'
            : isRetriableError(error)
              ? 'exhausted'
              : 'not-retriable';
      return { ok: false, reason, error, attempts };
    }
  }
}
