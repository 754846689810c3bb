import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { StreamWriter } from '@tenant-analytics/job-producer';
import { badInputCorpus, corpusRecord, KINESIS_MAX_RECORD_BYTES } from '../bad-input-corpus';
import { sleep } from '@tenant-analytics/domain';
import type { ChaosPipeline } from '../chaos-pipeline';
import { check, runOnPipeline, type Scenario } from '../scenario';

/** Scale of scenario 5. */
export interface BadInputOptions {
  /** Valid events sent alongside the corpus. */
  readonly validEvents: number;
  readonly ratePerSecond: number;
  /** Corpus records per PutRecords call, one call every `intervalMs`: mixed into the valid traffic. */
  readonly chunk: number;
  readonly intervalMs: number;
}

/** What Kinesis answered to a record it may refuse. */
async function probePut(pipeline: ChaosPipeline, data: Uint8Array): Promise<string> {
  try {
    await pipeline.probe.kinesis.send(new PutRecordCommand({ StreamName: pipeline.endpoints.streams.jobs, Data: data, PartitionKey: 'probe' }));
    return 'accepted';
  } catch (error) {
    return `rejected (${error instanceof Error ? error.name : String(error)})`;
  }
}

/**
 * Scenario 5: a corpus of 150+ distinct malformed and hostile records (see `badInputCorpus`) mixed
 * into valid traffic. The runner must not crash (same process from start to end), each bad record
 * must land in the dead letters with its reason, and the valid traffic must be unaffected (all
 * enriched, counters exact).
 */
export function badInputScenario(options: BadInputOptions = { validEvents: 2_000, ratePerSecond: 200, chunk: 10, intervalMs: 100 }): Scenario {
  const meta = { id: 'bad-input', title: '5 bad input corpus' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(meta, settings, {}, async (pipeline) => {
        const pidAtStart = pipeline.runnerPid();
        const corpus = badInputCorpus({ now: new Date(), runId: `bad${settings.seed}`, knownCompanies: ['comp_1', 'comp_2', 'comp_3', 'comp_4', 'comp_5', 'comp_6'] });
        const writer = await StreamWriter.open(pipeline.probe.kinesis, pipeline.endpoints.streams.jobs);
        settings.progress(`${meta.title}: ${corpus.length} corpus records among ${options.validEvents} valid events`);
        const valid = pipeline.send({ count: options.validEvents, ratePerSecond: options.ratePerSecond, duplicateRatio: 0.02 });
        for (let start = 0; start < corpus.length; start += options.chunk) {
          const chunk = corpus.slice(start, start + options.chunk);
          await writer.put(chunk.map(({ data, partitionKey }) => ({ data, partitionKey })));
          pipeline.accepted(chunk.map(corpusRecord));
          await sleep(options.intervalMs);
        }
        // Records Kinesis itself may refuse: they never reach the pipeline.
        const overLimit = await probePut(pipeline, new Uint8Array(KINESIS_MAX_RECORD_BYTES + 1));
        const empty = await probePut(pipeline, new Uint8Array(0));
        if (empty === 'accepted') pipeline.accepted([{ data: new Uint8Array(0), outcome: { type: 'invalid', kind: 'zero bytes', reason: 'empty-record' } }]);
        await valid;
        const aliveAtEnd = pipeline.runnerAlive();
        const pidAtEnd = pipeline.runnerPid();
        const outcome = await pipeline.finish({ toleratedFailures: [] });
        const bad = corpus.filter((entry) => entry.expected !== 'valid').length;
        return {
          outcome,
          checks: [
            check('no crash: one runner process from start to end', aliveAtEnd && pidAtStart !== undefined && pidAtStart === pidAtEnd, `pid ${pidAtStart ?? '-'} → ${pidAtEnd ?? '-'}, alive ${aliveAtEnd}`),
            check('at least 150 distinct malformed or hostile records', bad >= 150, `${bad} bad and ${corpus.length - bad} hostile-but-valid records`),
          ],
          notes: [`Kinesis answered a record of 1 MiB + 1 byte: ${overLimit}; a record of 0 bytes: ${empty}`],
        };
      }),
  };
}
