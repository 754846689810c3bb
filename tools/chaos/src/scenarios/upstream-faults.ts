import type { DeadLetter } from '@tenant-analytics/domain';
import { counterOf, countersByDimension } from '@tenant-analytics/pipeline-harness';
import { CHURN_FAULT_SLICES, FaultCycle, setFaults, TENANT_MANAGER_FAULTS } from '../faults';
import { check, runOnPipeline, type Scenario } from '../scenario';

/** Scale of scenario 1. */
export interface UpstreamFaultsOptions {
  readonly events: number;
  readonly ratePerSecond: number;
  /** More companies mean more tenant lookups under faults. */
  readonly companies: number;
}

/** Share of valid events that may end as `score-failed`/`lookup-failed` before retries count as not absorbing the faults. */
const MAX_FAILED_SHARE = 0.05;
/** Attempts in all for churn calls and tenant lookups (the config defaults, set explicitly here). */
const SCORING_ATTEMPTS = 5;
const LOOKUP_ATTEMPTS = 4;

/** `… failed (exhausted) after 5 attempt(s): …` → reason and attempts. */
function giveUp(letter: DeadLetter): { reason: string; attempts: number } {
  const match = /failed \(([a-z-]+)\) after (\d+) attempt/.exec(letter.message);
  return { reason: match?.[1] ?? 'unknown', attempts: Number(match?.[2] ?? letter.attempts) };
}

/** A dead letter of a valid event is legitimate only when its budget ran out (or the breaker refused it). */
function budgetSpent(letter: DeadLetter): boolean {
  const { reason, attempts } = giveUp(letter);
  const maxAttempts = letter.reason === 'score-failed' ? SCORING_ATTEMPTS : LOOKUP_ATTEMPTS;
  return reason === 'breaker-open' || reason === 'budget-exceeded' || (reason === 'exhausted' && attempts >= maxAttempts);
}

/**
 * Scenario 1: the churn API fails 20% of calls with 5xx, 5% with 429, holds 5% past the attempt
 * timeout and resets 2% of connections; the tenant manager fails 10% with 503 and has latency
 * spikes. Retries and the breaker must absorb it: only events whose budget ran out are
 * dead-lettered (`score-failed`, `lookup-failed`), and everything is accounted for.
 */
export function upstreamFaultsScenario(options: UpstreamFaultsOptions = { events: 3_000, ratePerSecond: 100, companies: 1_000 }): Scenario {
  const meta = { id: 'upstream-faults', title: '1 upstream faults' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(
        meta,
        settings,
        { companies: options.companies, runnerEnv: { SCORING_RETRY_MAX_ATTEMPTS: String(SCORING_ATTEMPTS), TENANT_LOOKUP_RETRY_MAX_ATTEMPTS: String(LOOKUP_ATTEMPTS) } },
        async (pipeline) => {
          const churnUrl = pipeline.endpoints.churnApi ?? '';
          const tenantUrl = pipeline.endpoints.tenantManager ?? '';
          const churnFaults = new FaultCycle(churnUrl, CHURN_FAULT_SLICES, 1_000);
          await setFaults(tenantUrl, TENANT_MANAGER_FAULTS);
          await churnFaults.start();
          settings.progress(`${meta.title}: sending ${options.events} events at ${options.ratePerSecond}/s under faults`);
          let summary;
          try {
            summary = await pipeline.send({ count: options.events, ratePerSecond: options.ratePerSecond, invalidRatio: 0.05, duplicateRatio: 0.05 });
          } finally {
            await churnFaults.stop();
            await setFaults(tenantUrl, {});
          }
          const outcome = await pipeline.finish();
          const metrics = outcome.lastRunner.metrics;
          const failed = outcome.deadLetters.filter((letter) => letter.reason === 'score-failed' || letter.reason === 'lookup-failed');
          const unjustified = failed.filter((letter) => !budgetSpent(letter));
          const retries = countersByDimension(metrics, 'Retries', 'dependency');
          const giveUps: Record<string, number> = {};
          for (const letter of failed) {
            const key = `${letter.reason}/${giveUp(letter).reason}`;
            giveUps[key] = (giveUps[key] ?? 0) + 1;
          }
          return {
            outcome,
            checks: [
              check('retries happened on both dependencies', (retries['churn'] ?? 0) > 0 && (retries['tenant-manager'] ?? 0) > 0, `retries ${JSON.stringify(retries)}`),
              check(
                `retries absorbed the faults (≤ ${MAX_FAILED_SHARE * 100}% of valid events dead-lettered)`,
                failed.length <= MAX_FAILED_SHARE * summary.valid,
                `${failed.length} of ${summary.valid} valid events dead-lettered`,
              ),
              check(
                'only events whose budget ran out are dead-lettered',
                unjustified.length === 0,
                `${unjustified.length} dead letters before the budget ran out${unjustified[0] === undefined ? '' : `, e.g. ${unjustified[0].message.slice(0, 120)}`}`,
              ),
            ],
            notes: [
              `retries: ${JSON.stringify(retries)}; breaker opened ${counterOf(metrics, 'BreakerOpen')} time(s); batches recovered ${counterOf(metrics, 'PendingBatchesRecovered')}`,
              `give-ups: ${JSON.stringify(giveUps)}`,
            ],
          };
        },
      ),
  };
}
