import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { generateCompanies } from '@tenant-analytics/domain';
import { createKinesisEventHandler, toInputRecord } from '@tenant-analytics/processor';
import { MemoryLogger, RuleChurnScorer } from '@tenant-analytics/processor/testing';
import { BENCH_EVENT_SOURCE, invokeInOrder, toKinesisEvent } from './kinesis-events';
import { buildOurDesign, processLanes } from './our-design';
import { JobWorkload } from './workload';

const NOW_MS = Date.parse('2026-11-25T10:00:00.123Z');
const clock = { now: () => new Date() };

describe('toKinesisEvent', () => {
  it('round-trips every record through the handler’s toInputRecord', () => {
    // Prepare
    const workload = new JobWorkload({ companies: 20, shards: 2, recordsPerBatch: 50, seed: 4 });
    const batches = workload.batches(300, NOW_MS);

    // Act
    const events = batches.map((batch) => toKinesisEvent(batch, BENCH_EVENT_SOURCE));

    // Assess
    expect(events.map((event) => event.Records.map(toInputRecord))).toEqual(batches.map((batch) => batch.records.map((record) => ({ ...record, data: Buffer.from(record.data) }))));
    expect(events.flatMap((event) => event.Records.map((record) => record.eventSourceARN))).toEqual(Array(300).fill('arn:aws:kinesis:us-west-2:123456789012:stream/bigdatajobs'));
  });

  it('names each record by its shard and sequence number, with base64 data and the arrival time in seconds', () => {
    // Prepare
    const workload = new JobWorkload({ companies: 5, shards: 1, recordsPerBatch: 10, seed: 2 });
    const [batch] = workload.batches(1, NOW_MS);
    if (batch === undefined) throw new Error('no batch');
    const [record] = batch.records;
    if (record === undefined) throw new Error('no record');

    // Act
    const [kinesis] = toKinesisEvent(batch, { region: 'eu-west-1', accountId: '210987654321', invokeIdentityArn: 'arn:aws:iam::210987654321:role/processor' }).Records;

    // Assess
    expect(kinesis).toMatchObject({
      eventID: `shardId-000000000000:${record.sequenceNumber}`,
      eventSource: 'aws:kinesis',
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:aws:kinesis:eu-west-1:210987654321:stream/bigdatajobs',
      kinesis: { partitionKey: record.partitionKey, sequenceNumber: record.sequenceNumber, approximateArrivalTimestamp: 1_795_600_800.123 },
    });
    expect(JSON.parse(Buffer.from(kinesis?.kinesis.data ?? '', 'base64').toString('utf8'))).toMatchObject({ eventID: expect.any(String) });
  });
});

describe('invokeInOrder', () => {
  it('puts the events through the processor’s Lambda handler with the outcome of processing the batches directly', async () => {
    // Prepare: two designs on the same records, one fed directly, one through the handler
    const companies = generateCompanies(42, 20);
    const settings = { scoringBatchSize: 10, capacity: 2 };
    const direct = buildOurDesign({ companies, scorer: new RuleChurnScorer(), settings, clock });
    const viaHandler = buildOurDesign({ companies, scorer: new RuleChurnScorer(), settings, clock });
    const batches = new JobWorkload({ companies: 20, shards: 2, recordsPerBatch: 40, seed: 9 }).batches(200);
    const events = batches.map((batch) => toKinesisEvent(batch, BENCH_EVENT_SOURCE));

    // Act
    const directResult = await processLanes(direct.processor, 'bigdatajobs', batches, 1);
    const failures = await invokeInOrder(createKinesisEventHandler(viaHandler.processor, new MemoryLogger()), events);
    // State compaction (on, as deployed) defers the company writes: both write theirs now.
    await direct.processor.compactAll();
    await viaHandler.processor.compactAll();

    // Assess
    expect(failures).toBe(0);
    expect(directResult.enriched).toBe(200);
    expect(viaHandler.stream.records.map((record) => record.eventID)).toEqual(direct.stream.records.map((record) => record.eventID));
    // The same counts and positions per company (times and lane incarnations differ between the two runs)
    const countsOf = (items: typeof direct.stateStore.items) =>
      [...items.values()].map((item) => ({ companyID: item.companyID, version: item.version, buckets: item.buckets, positions: Object.values(item.watermarks) }));
    expect(countsOf(viaHandler.stateStore.items)).toEqual(countsOf(direct.stateStore.items));
    expect(viaHandler.stateStore.items.size).toBe(20);
  });

  it('counts the records a handler reports for retry', async () => {
    // Prepare
    const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => ({
      batchItemFailures: event.Records.slice(0, 1).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })),
    });
    const batches = new JobWorkload({ companies: 5, shards: 1, recordsPerBatch: 2, seed: 1 }).batches(6, NOW_MS);

    // Act
    const failures = await invokeInOrder(handler, batches.map((batch) => toKinesisEvent(batch, BENCH_EVENT_SOURCE)));

    // Assess: three batches, the first record of each reported
    expect(failures).toBe(3);
  });
});
