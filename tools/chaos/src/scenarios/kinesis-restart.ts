import { DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { waitUntilDrained, type AccountableRecord } from '@tenant-analytics/pipeline-harness';
import { sleep } from '@tenant-analytics/domain';
import type { ChaosPipeline } from '../chaos-pipeline';
import { formatMs } from '../report';
import { LOG_LEVEL, runnerLogLines } from '../runner-log';
import { check, runOnPipeline, type Scenario } from '../scenario';

/** Scale of scenarios 4 and 4b. */
export interface KinesisRestartOptions {
  /** Events before and after the restart (each). */
  readonly events: number;
  readonly ratePerSecond: number;
}

/** kinesis-local persists its state every second: records younger than that are lost on a stop. */
const PERSIST_WAIT_MS = 1_500;
/** How long records sent after a data loss get to come out before they count as stuck. */
const AFTER_LOSS_WAIT_MS = 60_000;
const READ_RETRY_MESSAGE = 'reading the shard failed; retrying';

/**
 * Scenario 4: the Kinesis emulator stops and starts again on the same port (its data kept) while
 * the runner polls. The runner must retry its reads and carry on with the records sent after the
 * restart without being touched: same process, nothing lost.
 */
export function kinesisRestartScenario(options: KinesisRestartOptions = { events: 1_000, ratePerSecond: 200 }): Scenario {
  const meta = { id: 'kinesis-restart', title: '4 Kinesis emulator restart' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(meta, settings, {}, async (pipeline) => {
        await pipeline.send({ count: options.events, ratePerSecond: options.ratePerSecond, invalidRatio: 0.02, duplicateRatio: 0.02 });
        await waitUntilDrained(pipeline.probe, { streams: [pipeline.endpoints.streams.jobs] });
        await sleep(PERSIST_WAIT_MS);
        const pidBefore = pipeline.runnerPid();
        const restartStartMs = Date.now();
        settings.progress(`${meta.title}: restarting the emulator`);
        await pipeline.pipeline.stack.restartKinesis();
        const restartMs = Date.now() - restartStartMs;
        await pipeline.send({ count: options.events, ratePerSecond: options.ratePerSecond, invalidRatio: 0.02, duplicateRatio: 0.02 });
        const pidAfter = pipeline.runnerPid();
        const alive = pipeline.runnerAlive();
        const outcome = await pipeline.finish({ toleratedFailures: [] });
        const readRetries = runnerLogLines(pipeline.runnerOutput()).filter((line) => line.msg === READ_RETRY_MESSAGE && line.time >= restartStartMs);
        return {
          outcome,
          checks: [
            check('same runner process before and after', alive && pidBefore !== undefined && pidBefore === pidAfter, `pid ${pidBefore ?? '-'} → ${pidAfter ?? '-'}, alive ${alive}`),
            check('runner retried its reads while the emulator was down', readRetries.length > 0, `${readRetries.length} read retries logged`),
          ],
          notes: [`emulator down and back in ${formatMs(restartMs)} (${pipeline.endpoints.kinesisBackend})`],
        };
      }),
  };
}

/**
 * Scenario 4b (documents a limit): the emulator loses its data (the jobs stream is deleted and
 * created again empty, as after a wipe). Records that were on the stream and not yet processed are
 * gone for good; outputs and state of processed records live in S3 and DynamoDB and survive. What
 * happens to records sent afterwards depends on the emulator: the runner's checkpoints name
 * sequence numbers of the lost stream (kinesis-local accepts them, kinesalite and real Kinesis
 * reject them, and the lanes retry until the checkpoints are deleted).
 */
export function kinesisDataLossScenario(options: KinesisRestartOptions = { events: 500, ratePerSecond: 200 }): Scenario {
  const meta = { id: 'kinesis-data-loss', title: '4b Kinesis data loss' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(meta, settings, {}, async (pipeline) => {
        const { jobs } = pipeline.endpoints.streams;
        const send = (): Promise<unknown> => pipeline.send({ count: options.events, ratePerSecond: options.ratePerSecond, invalidRatio: 0.02 });
        await send();
        await waitUntilDrained(pipeline.probe, { streams: [jobs] });
        const processed = [...pipeline.records];

        // Records the runner never sees: sent while it is stopped, then lost with the stream.
        await pipeline.pipeline.stopRunner();
        await send();
        const lost = pipeline.records.length - processed.length;
        await sleep(PERSIST_WAIT_MS);
        settings.progress(`${meta.title}: deleting the jobs stream and restarting the emulator`);
        await pipeline.probe.kinesis.send(new DeleteStreamCommand({ StreamName: jobs }));
        // Let kinesis-local persist the deletion, or the restart brings the old stream back.
        await sleep(PERSIST_WAIT_MS);
        await pipeline.pipeline.stack.restartKinesis();
        await pipeline.restartRunner();

        const beforeAfterSend = pipeline.records.length;
        await send();
        const sentAfter = pipeline.records.slice(beforeAfterSend);
        const flowed = await drainsWithin(pipeline, AFTER_LOSS_WAIT_MS);
        const stuck = runnerLogLines(pipeline.runnerOutput()).filter((line) => line.level >= LOG_LEVEL.error).at(-1);
        const records: AccountableRecord[] = flowed ? [...processed, ...sentAfter] : processed;
        const alive = pipeline.runnerAlive();
        const outcome = await pipeline.finish({ drain: false, records, toleratedFailures: [] });
        return {
          outcome,
          checks: [check('runner survives the loss', alive, `alive ${alive}`)],
          notes: [
            `${lost} records sent while the runner was stopped were lost with the stream: they cannot be recovered (the stream held the only copy)`,
            flowed
              ? `${sentAfter.length} records sent after the loss were processed (${pipeline.endpoints.kinesisBackend} accepts the old checkpoints)`
              : `${sentAfter.length} records sent after the loss are stuck: ${String(stuck?.fields['error'] ?? 'no error logged').slice(0, 200)}; delete the lane items (pk lane#…) of the state table to resume`,
          ],
        };
      }),
  };
}

/**
 * True once every lane is at its shard's tip within `timeoutMs`; errors (the drain check reads
 * from the lanes' checkpoints too, and a lost stream may reject them) are retried until then.
 */
async function drainsWithin(pipeline: ChaosPipeline, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const drained = await waitUntilDrained(pipeline.probe, { streams: [pipeline.endpoints.streams.jobs], timeoutMs: deadline - Date.now() }).then(
      () => true,
      () => false,
    );
    if (drained) return true;
    await sleep(1_000);
  }
  return false;
}
