import type { Company } from '@tenant-analytics/domain';
import { LRUCache } from 'lru-cache';
import { mapLimited } from '@tenant-analytics/domain';
import { describeError } from './errors';
import { METRIC, type Clock, type Logger, type Metrics, type TenantDirectory, type TenantLookup } from './ports';
import { ResilientCaller, type ResilienceSettings } from './resilience';

/** Lookup settings (config keys `tenant.*`). */
export interface TenantLookupSettings extends ResilienceSettings {
  readonly concurrency: number;
  readonly cacheMaxEntries: number;
  readonly cacheTtlMs: number;
}

/** A lookup's outcome: found, unknown (404), or failed for good after retries. */
export type ProfileLookupOutcome =
  /** `answeredAt`: when the tenant manager gave this profile (a cached answer keeps its time). */
  | { readonly status: 'found'; readonly company: Company; readonly answeredAt: string }
  | { readonly status: 'unknown' }
  | { readonly status: 'failed'; readonly message: string; readonly attempts: number };

/**
 * Finds profiles for companies that state does not know yet. Answers (including "unknown") are
 * cached (LRU, TTL), each id of a batch is looked up once, at most `concurrency` calls run at once,
 * and transient failures are retried within the budget.
 */
export class TenantProfiles {
  private readonly cache: LRUCache<string, { lookup: TenantLookup; answeredAt: string }>;
  private readonly caller: ResilientCaller;

  constructor(
    private readonly directory: TenantDirectory,
    private readonly settings: TenantLookupSettings,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.cache = new LRUCache({ max: settings.cacheMaxEntries, ttl: settings.cacheTtlMs });
    this.caller = new ResilientCaller(settings, {
      onRetry: (attempt, error) => {
        metrics.count(METRIC.retries, 1, { dependency: 'tenant-manager' });
        logger.debug('retrying tenant lookup', { attempt, error: describeError(error) });
      },
    });
  }

  /** Looks up every id (each at most once); never throws. */
  async lookupAll(companyIDs: readonly string[]): Promise<Map<string, ProfileLookupOutcome>> {
    const outcomes = new Map<string, ProfileLookupOutcome>();
    const misses: string[] = [];
    for (const id of new Set(companyIDs)) {
      const cached = this.cache.get(id);
      if (cached === undefined) {
        misses.push(id);
        continue;
      }
      this.metrics.count(METRIC.lookupCacheHits);
      outcomes.set(id, cached.lookup.found ? { status: 'found', company: cached.lookup.company, answeredAt: cached.answeredAt } : { status: 'unknown' });
    }
    await mapLimited(misses, this.settings.concurrency, async (id) => outcomes.set(id, await this.lookupOne(id)));
    return outcomes;
  }

  private async lookupOne(companyID: string): Promise<ProfileLookupOutcome> {
    this.metrics.count(METRIC.lookups);
    const result = await this.caller.call((signal) => this.directory.lookup(companyID, signal));
    if (!result.ok) {
      return {
        status: 'failed',
        message: `tenant lookup of ${companyID} failed (${result.reason}) after ${result.attempts} attempt(s): ${describeError(result.error)}`,
        attempts: result.attempts,
      };
    }
    // The profile is as of the tenant manager's answer, not of the batch that uses it: a cached
    // profile must not look newer than a snapshot published after it was fetched.
    const answeredAt = this.clock.now().toISOString();
    this.cache.set(companyID, { lookup: result.value, answeredAt });
    return result.value.found ? { status: 'found', company: result.value.company, answeredAt } : { status: 'unknown' };
  }
}
