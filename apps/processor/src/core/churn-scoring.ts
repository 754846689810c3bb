import { featureKey } from '@tenant-analytics/domain';
import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import { mapLimited } from '@tenant-analytics/domain';
import { ChurnContractError, describeError } from './errors';
import { METRIC, type ChurnFeaturesWithId, type ChurnScorer, type ChurnVerdict, type Logger, type Metrics } from './ports';
import { ResilientCaller, type GiveUpReason, type ResilienceSettings } from './resilience';

/** Scoring settings (config keys `scoring.*`, `async.capacity`). */
export interface ScoringSettings extends ResilienceSettings {
  /** Companies per call, capped by the scorer's own limit. */
  readonly batchSize: number;
  /** Calls in flight at most (the seed's async capacity). */
  readonly capacity: number;
}

/** The verdict for one requested company, or why it has none. */
export type ScoringOutcome =
  | { readonly ok: true; readonly verdict: ChurnVerdict }
  | { readonly ok: false; readonly reason: GiveUpReason; readonly message: string; readonly attempts: number };

/**
 * Scores many companies with few calls: identical feature vectors are scored once, the rest is
 * split into calls of up to `batchSize` companies, at most `capacity` calls run at once (across all
 * callers of this instance, i.e. every lane of the process), and each
 * call retries transient failures within its budget behind a shared circuit breaker.
 */
export class ChurnScoringService {
  private readonly caller: ResilientCaller;
  private readonly batchSize: number;
  /** Bounds the calls in flight across every lane sharing this service (the seed's async capacity). */
  private readonly inFlight: BulkheadPolicy;

  constructor(
    private readonly scorer: ChurnScorer,
    private readonly settings: ScoringSettings,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.batchSize = Math.max(1, Math.min(settings.batchSize, scorer.maxBatchSize));
    this.inFlight = bulkhead(settings.capacity, Number.MAX_SAFE_INTEGER);
    this.caller = new ResilientCaller(settings, {
      onRetry: (attempt, error) => {
        metrics.count(METRIC.retries, 1, { dependency: 'churn' });
        logger.debug('retrying churn scoring call', { attempt, error: describeError(error) });
      },
      onBreakerStateChange: (state) => {
        metrics.count(METRIC.breakerOpen, state === 'open' ? 1 : 0, { dependency: 'churn' });
        logger.warn('churn breaker state changed', { state });
      },
    });
  }

  /** True while the breaker is open. */
  get unavailable(): boolean {
    return this.caller.breakerOpen;
  }

  /** Scores `companies`; the result is aligned with the input. Never throws. */
  async scoreAll(companies: readonly ChurnFeaturesWithId[]): Promise<ScoringOutcome[]> {
    const uniqueByKey = new Map<string, ChurnFeaturesWithId>();
    const keys = companies.map((company) => {
      const key = featureKey(company);
      if (!uniqueByKey.has(key)) uniqueByKey.set(key, company);
      return key;
    });
    this.metrics.count(METRIC.scoringDedupedCompanies, companies.length - uniqueByKey.size);
    const unique = [...uniqueByKey.entries()];
    const calls: (typeof unique)[] = [];
    for (let i = 0; i < unique.length; i += this.batchSize) calls.push(unique.slice(i, i + this.batchSize));

    const outcomeByKey = new Map<string, ScoringOutcome>();
    await mapLimited(calls, this.settings.capacity, async (call) => {
      const outcomes = await this.inFlight.execute(() => this.scoreCall(call.map(([, company]) => company)));
      call.forEach(([key], index) => outcomeByKey.set(key, outcomes[index] as ScoringOutcome));
    });
    return keys.map((key) => outcomeByKey.get(key) as ScoringOutcome);
  }

  private async scoreCall(batch: readonly ChurnFeaturesWithId[]): Promise<ScoringOutcome[]> {
    const started = performance.now();
    const result = await this.caller.call(async (signal) => {
      this.metrics.count(METRIC.scoringCalls);
      const verdicts = await this.scorer.score(batch, signal);
      if (verdicts.length !== batch.length) {
        throw new ChurnContractError(`churn API returned ${verdicts.length} predictions for ${batch.length} companies`, { calls: 1 });
      }
      return verdicts;
    });
    this.metrics.observe(METRIC.scoringLatencyMs, performance.now() - started);
    this.metrics.observe(METRIC.scoringBatchSize, batch.length);
    if (result.ok) return result.value.map((verdict) => ({ ok: true, verdict }));
    const failure: ScoringOutcome = {
      ok: false,
      reason: result.reason,
      message: `churn scoring failed (${result.reason}) after ${result.attempts} attempt(s): ${describeError(result.error)}`,
      attempts: result.attempts,
    };
    return batch.map(() => failure);
  }
}
