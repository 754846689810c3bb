import { counterOf } from '@tenant-analytics/pipeline-harness';
import { sleep } from '@tenant-analytics/domain';
import { setFaults } from '../faults';
import { formatMs } from '../report';
import { runnerLogLines } from '../runner-log';
import { check, runOnPipeline, type Scenario } from '../scenario';

/** Timing and scale of scenario 2. */
export interface ChurnOutageOptions {
  readonly ratePerSecond: number;
  /** Traffic before the outage. */
  readonly beforeMs: number;
  readonly outageMs: number;
  /** Traffic after the outage: long enough for the backlog to clear and lag to settle. */
  readonly afterMs: number;
  /** Lag under which the pipeline counts as recovered. */
  readonly recoveredLagMs: number;
}

const BREAKER_MESSAGE = 'churn breaker state changed';

/**
 * Scenario 2: the churn API answers nothing useful for 30 s mid-run (half 503, half connection
 * resets), then comes back. Batches whose every call fails are deferred, not dead-lettered: no
 * loss; the breaker opens and closes again (its log and the BreakerOpen metric); lag grows during
 * the outage and recovers after it.
 */
export function churnOutageScenario(options: ChurnOutageOptions = { ratePerSecond: 50, beforeMs: 15_000, outageMs: 30_000, afterMs: 45_000, recoveredLagMs: 3_000 }): Scenario {
  const meta = { id: 'churn-outage', title: '2 churn outage 30 s' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(meta, settings, {}, async (pipeline) => {
        const churnUrl = pipeline.endpoints.churnApi ?? '';
        const totalMs = options.beforeMs + options.outageMs + options.afterMs;
        settings.progress(`${meta.title}: ${Math.round(totalMs / 1000)} s of traffic at ${options.ratePerSecond}/s, outage after ${options.beforeMs / 1000} s`);
        const sending = pipeline.send({ count: Math.round((options.ratePerSecond * totalMs) / 1000), ratePerSecond: options.ratePerSecond, duplicateRatio: 0.02 });
        const sendStartMs = Date.now();
        await sleep(options.beforeMs);
        const outageStartMs = Date.now();
        await setFaults(churnUrl, { errorRate: 0.5, errorStatus: 503, resetRate: 0.5 });
        await sleep(options.outageMs);
        await setFaults(churnUrl, {});
        const outageEndMs = Date.now();
        settings.progress(`${meta.title}: churn API back`);
        await sending;
        const outcome = await pipeline.finish({ toleratedFailures: ['score-failed'] });

        // The breaker, from the runner's log: it must open during the outage and close after it.
        const transitions = runnerLogLines(pipeline.runnerOutput())
          .filter((line) => line.msg === BREAKER_MESSAGE)
          .map((line) => ({ state: String(line.fields['state']), atMs: line.time }));
        const opened = transitions.find((t) => t.state === 'open' && t.atMs >= outageStartMs);
        const closed = transitions.find((t) => t.state === 'closed' && opened !== undefined && t.atMs > opened.atMs);
        const breakerOpens = counterOf(outcome.lastRunner.metrics, 'BreakerOpen');

        // Lag by output second: the first second after the outage from which every later output was on time.
        const lagBySecond = new Map<number, number>();
        for (const { second, latency } of outcome.stats.timeline) if (latency !== undefined) lagBySecond.set(second, latency.p99);
        const seconds = [...lagBySecond.keys()].sort((a, b) => a - b);
        const outageEndSecond = Math.ceil((outageEndMs - outcome.stats.originMs) / 1000);
        const settled = seconds.find((second) => second >= outageEndSecond && seconds.filter((later) => later >= second).every((later) => (lagBySecond.get(later) ?? 0) <= options.recoveredLagMs));
        const peakLagMs = Math.max(0, ...lagBySecond.values());
        const scoreFailed = outcome.accounting.deadLettersByReason['score-failed'] ?? 0;
        return {
          outcome,
          checks: [
            check('breaker opened during the outage', opened !== undefined && breakerOpens > 0, `first open at +${opened === undefined ? '-' : formatMs(opened.atMs - outageStartMs)} into the outage; BreakerOpen metric ${breakerOpens}`),
            check('breaker closed after the outage', closed !== undefined && closed.atMs >= outageEndMs, `closed at ${closed === undefined ? 'never' : `+${formatMs(closed.atMs - outageEndMs)} after the outage`}; transitions ${transitions.map((t) => t.state).join('→')}`),
            check(
              'lag recovered after the outage',
              settled !== undefined,
              settled === undefined ? `p99 lag stayed above ${formatMs(options.recoveredLagMs)}` : `p99 lag ≤ ${formatMs(options.recoveredLagMs)} from ${settled - outageEndSecond} s after the outage on (peak ${formatMs(peakLagMs)})`,
            ),
          ],
          notes: [
            `outage from +${formatMs(outageStartMs - sendStartMs)} for ${formatMs(outageEndMs - outageStartMs)}; peak p99 lag ${formatMs(peakLagMs)}; score-failed at the outage's edges: ${scoreFailed}`,
          ],
        };
      }),
  };
}
