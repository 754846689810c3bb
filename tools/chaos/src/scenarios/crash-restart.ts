import { createRandom, sleep } from '@tenant-analytics/domain';
import { counterOf } from '@tenant-analytics/pipeline-harness';
import type { ChaosPipeline } from '../chaos-pipeline';
import { check, runOnPipeline, type Scenario } from '../scenario';

/** Scale of scenario 3. */
export interface CrashRestartOptions {
  /** Events sent while each runner process lives. */
  readonly eventsPerRound: number;
  readonly ratePerSecond: number;
  /** Kills in all (at least 5); they alternate between the crash hook and a SIGKILL at a random moment. */
  readonly kills: number;
}

/** Effect steps the crash hook can stop after, in the order they happen. */
const HOOK_STEPS = ['pending-written', 'committed', 'published', 'completed'] as const;
/** How long a runner may take to reach its crash hook before it is killed by signal instead. */
const HOOK_WAIT_MS = 30_000;
/** Small batches: more batches, more effect steps to stop between. */
const GETRECORDS_LIMIT = '40';

/** How one runner process was ended. */
interface Kill {
  readonly how: string;
  readonly killed: boolean;
}

/**
 * Scenario 3: the runner process is SIGKILLed at least 5 times and restarted each time: through
 * the crash hook right after each effect step (the write-ahead record, the state commits, the S3
 * and stream writes, the completion) and by an outside SIGKILL at a random moment, while events
 * keep arriving. No duplicates in S3, counters exact, nothing lost.
 */
export function crashRestartScenario(options: CrashRestartOptions = { eventsPerRound: 400, ratePerSecond: 200, kills: 8 }): Scenario {
  const meta = { id: 'crash-restart', title: '3 SIGKILL and restart' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(meta, settings, { runnerEnv: { RUNNER_GETRECORDS_LIMIT: GETRECORDS_LIMIT } }, async (pipeline) => {
        const random = createRandom(settings.seed);
        const kills: Kill[] = [];
        for (let round = 0; round < Math.max(5, options.kills); round++) {
          const byHook = round % 2 === 0;
          const step = HOOK_STEPS[Math.floor(round / 2) % HOOK_STEPS.length] ?? 'committed';
          const how = byHook ? `hook ${step}:${1 + Math.floor(random() * 3)}` : `SIGKILL after ${200 + Math.floor(random() * 2_000)} ms`;
          await pipeline.restartRunner(byHook ? { PROCESSOR_TEST_CRASH_AFTER: how.slice('hook '.length) } : {});
          settings.progress(`${meta.title}: round ${round + 1}, ${how}`);
          kills.push(await killRound(pipeline, how, byHook, options));
        }
        await pipeline.restartRunner();
        settings.progress(`${meta.title}: last round, no kill`);
        await pipeline.send({ count: options.eventsPerRound, ratePerSecond: options.ratePerSecond, invalidRatio: 0.05, duplicateRatio: 0.05 });
        const outcome = await pipeline.finish({ toleratedFailures: [] });
        const killed = kills.filter((kill) => kill.killed).length;
        const exitsBySignal = pipeline.runnerExits.filter((exit) => exit.signal === 'SIGKILL' || exit.code === 137).length;
        return {
          outcome,
          checks: [
            check('runner SIGKILLed at least 5 times', killed >= 5 && exitsBySignal >= 5, `${killed} kills (${exitsBySignal} exits by SIGKILL): ${kills.map((kill) => `${kill.how}${kill.killed ? '' : ' (missed)'}`).join('; ')}`),
          ],
          notes: [`the last runner finished ${counterOf(outcome.lastRunner.metrics, 'PendingBatchesRecovered')} pending batch(es) left by the last kill`],
        };
      }),
  };
}

/** Sends a round of events to the current runner and kills it, by its crash hook or by signal. */
async function killRound(pipeline: ChaosPipeline, how: string, byHook: boolean, options: CrashRestartOptions): Promise<Kill> {
  const sending = pipeline.send({ count: options.eventsPerRound, ratePerSecond: options.ratePerSecond, invalidRatio: 0.05, duplicateRatio: 0.05 });
  if (byHook) {
    const died = await pipeline.waitForRunnerExit(HOOK_WAIT_MS);
    await sending;
    if (!died) await pipeline.killRunner();
    return { how: died ? how : `${how}, missed: SIGKILL`, killed: true };
  }
  const delayMs = Number(/after (\d+) ms/.exec(how)?.[1] ?? 0);
  await sleep(delayMs);
  const alive = pipeline.runnerAlive();
  await pipeline.killRunner();
  await sending;
  return { how, killed: alive };
}
