import { generateCompanies } from '@tenant-analytics/domain';
import { buildTestProcessor, jobEvent, kinesisRecordFactory } from '../testing/factories';
import { InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink } from '../testing/in-memory-adapters';
import { compareSequence } from './company-state';
import type { ShardRangeReader } from './batch-processor';
import type { ChurnScorer, InputRecord } from './ports';

/**
 * Batches an event source mapping gives up on (on Lambda, after `maxRecordAgeSeconds` of a churn
 * outage): the lane notes the failed batch, lists it as skipped when a later batch completes, and
 * `replayDiscarded` processes those records exactly once.
 */
const SHARD = 'shardId-000000000000';
const companies = generateCompanies(42, 6);
const down: ChurnScorer = { maxBatchSize: 100, score: async () => Promise.reject(Object.assign(new Error('503'), { retriable: true })) };

function setup() {
  const shared = { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
  const jobs = kinesisRecordFactory('bigdatajobs');
  const shard: InputRecord[] = Array.from({ length: 9 }, (_, index) => jobs(jobEvent({ companyID: `comp_${(index % 3) + 1}`, nbJobs: index + 1, eventID: `e${index}` })));
  const read: ShardRangeReader = async ({ after, through, before }) =>
    shard.filter(
      ({ sequenceNumber }) =>
        (after === undefined || compareSequence(sequenceNumber, after) > 0) &&
        (through === undefined || compareSequence(sequenceNumber, through) <= 0) &&
        (before === undefined || compareSequence(sequenceNumber, before) < 0),
    );
  const processor = (scorer?: ChurnScorer) => buildTestProcessor({ companies, shared, ...(scorer === undefined ? {} : { scorer }) });
  const totalJobs = async () => {
    const states = await shared.stateStore.getMany(['comp_1', 'comp_2', 'comp_3']);
    return [...states.values()].reduce((sum, state) => sum + Object.values(state.buckets).reduce((a, b) => a + b, 0), 0);
  };
  const enrichedIds = () => shared.stream.records.map((record) => record.eventID).sort();
  return { shared, shard, read, processor, totalJobs, enrichedIds };
}

describe('batches given up on, and their replay', () => {
  it('notes a failed batch, lists it as skipped when a later batch completes, and replays it once', async () => {
    // Prepare: batch 1 completes; batch 2 fails in a churn outage and is given up on; batch 3 completes
    const { shared, shard, read, processor, totalJobs, enrichedIds } = setup();
    await processor().processor.process('bigdatajobs', SHARD, shard.slice(0, 3));
    await expect(processor(down).processor.process('bigdatajobs', SHARD, shard.slice(3, 6))).rejects.toThrow(/unavailable/);
    const noted = await shared.laneStore.get(`bigdatajobs/${SHARD}`);
    expect(noted.failed).toEqual({ after: shard[2]?.sequenceNumber, first: shard[3]?.sequenceNumber, last: shard[5]?.sequenceNumber });
    await processor().processor.process('bigdatajobs', SHARD, shard.slice(6));
    const lane = await shared.laneStore.get(`bigdatajobs/${SHARD}`);
    expect(lane.failed).toBeUndefined();
    expect(lane.skipped).toEqual([{ after: shard[2]?.sequenceNumber, before: shard[6]?.sequenceNumber }]);
    expect(await totalJobs()).toBe(1 + 2 + 3 + 7 + 8 + 9);

    // Act: the on-failure record's range, replayed twice
    const range = { first: shard[3]?.sequenceNumber as string, last: shard[5]?.sequenceNumber as string };
    const first = await processor().processor.replayDiscarded('bigdatajobs', SHARD, range, read);
    const second = await processor().processor.replayDiscarded('bigdatajobs', SHARD, range, read);

    // Assess: every event counted and enriched once; the range is gone from the lane
    expect(first).toMatchObject({ outcome: 'replayed-skipped-range', records: 3, enriched: 3 });
    expect(second).toMatchObject({ outcome: 'already-processed', records: 0 });
    expect(await totalJobs()).toBe(45);
    expect(enrichedIds()).toEqual(shard.map((_, index) => `e${index}`).sort());
    expect((await shared.laneStore.get(`bigdatajobs/${SHARD}`)).skipped).toBeUndefined();
  });

  it('clears the note when the failed batch is retried with success: nothing to replay', async () => {
    const { shared, shard, read, processor, totalJobs } = setup();
    await expect(processor(down).processor.process('bigdatajobs', SHARD, shard.slice(0, 5))).rejects.toThrow(/unavailable/);
    await processor().processor.process('bigdatajobs', SHARD, shard.slice(0, 5));

    const replay = await processor().processor.replayDiscarded('bigdatajobs', SHARD, { first: shard[0]?.sequenceNumber as string, last: shard[4]?.sequenceNumber as string }, read);

    const lane = await shared.laneStore.get(`bigdatajobs/${SHARD}`);
    expect([lane.failed, lane.skipped]).toEqual([undefined, undefined]);
    expect(replay.outcome).toBe('already-processed');
    expect(await totalJobs()).toBe(1 + 2 + 3 + 4 + 5);
  });

  it('processes a range the lane has not reached through the lane itself', async () => {
    const { shared, shard, read, processor, totalJobs } = setup();

    const replay = await processor().processor.replayDiscarded('bigdatajobs', SHARD, { first: shard[0]?.sequenceNumber as string, last: shard[3]?.sequenceNumber as string }, read);

    expect(replay).toMatchObject({ outcome: 'processed-by-lane', records: 4, enriched: 4 });
    expect((await shared.laneStore.get(`bigdatajobs/${SHARD}`)).checkpoint).toBe(shard[3]?.sequenceNumber);
    expect(await totalJobs()).toBe(1 + 2 + 3 + 4);
  });

  it('after a crash between the replay and removing the range, a second replay counts nothing again', async () => {
    // Prepare: a skipped range, as in the first case
    const { shared, shard, read, processor, totalJobs } = setup();
    await expect(processor(down).processor.process('bigdatajobs', SHARD, shard.slice(0, 4))).rejects.toThrow(/unavailable/);
    await processor().processor.process('bigdatajobs', SHARD, shard.slice(4));
    const range = { first: shard[0]?.sequenceNumber as string, last: shard[3]?.sequenceNumber as string };
    const resolve = shared.laneStore.resolveSkipped.bind(shared.laneStore);
    shared.laneStore.resolveSkipped = async () => Promise.reject(new Error('crash before removing the range'));

    // Act
    await expect(processor().processor.replayDiscarded('bigdatajobs', SHARD, range, read)).rejects.toThrow(/crash/);
    shared.laneStore.resolveSkipped = resolve;
    const again = await processor().processor.replayDiscarded('bigdatajobs', SHARD, range, read);

    // Assess
    expect(again).toMatchObject({ outcome: 'replayed-skipped-range', records: 4, enriched: 0 });
    expect(await totalJobs()).toBe(45);
    expect((await shared.laneStore.get(`bigdatajobs/${SHARD}`)).skipped).toBeUndefined();
  });
});
