import { counterOf } from '@tenant-analytics/pipeline-harness';
import { FaultCycle } from '../faults';
import { check, runOnPipeline, type Scenario } from '../scenario';

/** Scale and timing of the Lambda-runtime scenario. */
export interface LambdaTimeoutsOptions {
  readonly events: number;
  readonly ratePerSecond: number;
  /** The function timeout the runtime is given (`ESM_FUNCTION_TIMEOUT_MS`). */
  readonly functionTimeoutMs: number;
  /** Latency of the churn API's slow slices: longer than the function timeout. */
  readonly slowLatencyMs: number;
  /** One second in this many, the churn API is slow. */
  readonly slowOneSecondIn: number;
}

/**
 * Scenario 8: the processor on the Lambda runtime (`--runtime lambda`: `src/handler.ts` behind the
 * emulated event source mappings), with injected timeouts. The churn API is slow (8 s, longer than
 * the 5 s function timeout) one second in eight, so invocations time out; the mapping bisects and retries
 * them while the timed-out ones still run (abandoned, not cancelled) and finish later: overlapping
 * invocations of one shard. Every record must still be accounted for exactly once, and nothing may
 * reach the on-failure destination.
 */
export function lambdaTimeoutsScenario(options: LambdaTimeoutsOptions = { events: 1_500, ratePerSecond: 50, functionTimeoutMs: 5_000, slowLatencyMs: 8_000, slowOneSecondIn: 8 }): Scenario {
  const meta = { id: 'lambda-timeouts', title: '8 Lambda runtime, timeouts' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(
        meta,
        settings,
        {
          runnerArgs: ['--runtime', 'lambda'],
          // Churn calls may outlive the function: the invocation times out, not the call.
          runnerEnv: { ESM_FUNCTION_TIMEOUT_MS: String(options.functionTimeoutMs), SCORING_ATTEMPT_TIMEOUT_MS: String(options.slowLatencyMs * 2), SCORING_TOTAL_TIMEOUT_MS: String(options.slowLatencyMs * 8) },
        },
        async (pipeline) => {
          const slices = [{ latencyMs: options.slowLatencyMs }, ...Array.from({ length: options.slowOneSecondIn - 1 }, () => ({}))];
          const churnFaults = new FaultCycle(pipeline.endpoints.churnApi ?? '', slices, 1_000);
          await churnFaults.start();
          settings.progress(`${meta.title}: sending ${options.events} events at ${options.ratePerSecond}/s; churn slower than the ${options.functionTimeoutMs} ms function timeout one second in ${options.slowOneSecondIn}`);
          try {
            await pipeline.send({ count: options.events, ratePerSecond: options.ratePerSecond, invalidRatio: 0.02, duplicateRatio: 0.02 });
          } finally {
            await churnFaults.stop();
          }
          const outcome = await pipeline.finish({ toleratedFailures: [] });
          const metrics = outcome.lastRunner.metrics;
          const timeouts = counterOf(metrics, 'EsmFunctionErrors{type=Sandbox.Timedout}');
          const onFailure = counterOf(metrics, 'EsmOnFailureRecords');
          return {
            outcome,
            checks: [
              check('invocations timed out (the faults reached the mapping)', timeouts > 0, `${timeouts} of ${counterOf(metrics, 'EsmInvocations')} invocations timed out`),
              check('no batch went to the on-failure destination', onFailure === 0, `${onFailure} on-failure records`),
            ],
            notes: [`function errors ${counterOf(metrics, 'EsmFunctionErrors')}, partial failures ${counterOf(metrics, 'EsmPartialFailures')}; batches recovered ${counterOf(metrics, 'PendingBatchesRecovered')}`],
          };
        },
      ),
  };
}
