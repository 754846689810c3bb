import type { KinesisStreamEvent } from 'aws-lambda';
import { generateCompanies } from '@tenant-analytics/domain';
import type { InputRecord } from '../core/ports';
import { buildTestProcessor, jobEvent, kinesisRecordFactory, scriptedJobRecords } from '../testing/factories';
import { InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink, MemoryLogger } from '../testing/in-memory-adapters';
import { createKinesisEventHandler, streamNameOf } from './kinesis-event-handler';
import { ShardLineage } from './shard-lineage';

const companies = generateCompanies(42, 20);

/** A Lambda Kinesis event carrying `records`, as an event source mapping delivers it. */
function kinesisEventFixture(records: readonly InputRecord[]): KinesisStreamEvent {
  return {
    Records: records.map((record) => ({
      eventID: `${record.shardId}:${record.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      eventSource: 'aws:kinesis',
      awsRegion: 'us-west-2',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/processor',
      eventSourceARN: `arn:aws:kinesis:us-west-2:123456789012:stream/${record.stream}`,
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey,
        sequenceNumber: record.sequenceNumber,
        data: Buffer.from(record.data).toString('base64'),
        approximateArrivalTimestamp: record.arrivalTime.getTime() / 1000,
      },
    })),
  };
}

/** An S3 stand-in that fails its first `failures` writes. */
class FlakyObjectSink extends InMemoryObjectSink {
  constructor(private failures: number) {
    super();
  }
  override async put(bucket: string, key: string, body: Uint8Array, contentType: string, contentEncoding?: string): Promise<void> {
    if (this.failures-- > 0) throw Object.assign(new Error('S3 unavailable'), { retriable: true });
    return super.put(bucket, key, body, contentType, contentEncoding);
  }
}

describe('createKinesisEventHandler', () => {
  const records = scriptedJobRecords();

  it('processes a batch and reports no failures', async () => {
    const { processor, objects, stream } = buildTestProcessor({ companies });
    const handler = createKinesisEventHandler(processor, new MemoryLogger());

    const response = await handler(kinesisEventFixture(records));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(stream.records.map((r) => r.eventID)).toEqual(['e1', 'e2', expect.stringMatching(/^bigdatajobs\/shardId-000000000000\/\d+$/)]);
    expect([...objects.objects.keys()].filter((key) => key.includes('dead-letters'))).toHaveLength(3);
  });

  it('reports the first record when a sink fails, and a redelivery completes the batch exactly once', async () => {
    // Prepare: S3 fails once, after the batch was written ahead and committed
    const objects = new FlakyObjectSink(1);
    const clean = buildTestProcessor({ companies });
    await clean.processor.process('bigdatajobs', 'shardId-000000000000', records);
    const shared = { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects, stream: new InMemoryStreamSink() };
    const handler = createKinesisEventHandler(buildTestProcessor({ companies, shared }).processor, new MemoryLogger());

    // Act
    const failed = await handler(kinesisEventFixture(records));
    const retried = await handler(kinesisEventFixture(records.slice(1)));

    // Assess
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.sequenceNumber }]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(objects.objects).toEqual(clean.objects.objects);
    expect(shared.stateStore.items).toEqual(clean.stateStore.items);
  });

  it('reads the stream name from the event source ARN', () => {
    expect(streamNameOf('arn:aws:kinesis:us-west-2:123456789012:stream/bigdatajobs')).toBe('bigdatajobs');
    expect(() => streamNameOf('arn:aws:sqs:us-west-2:1:queue')).toThrow(/not a Kinesis stream ARN/);
  });

  describe('after a reshard (with the shard lineage)', () => {
    const PARENT = 'shardId-000000000000';
    const CHILD = 'shardId-000000000002';
    const lineage = () => new ShardLineage({ listShards: async () => [{ shardId: PARENT, endingSequenceNumber: '1' }, { shardId: CHILD, parentShardId: PARENT }] });

    it("finishes the pending batch a parent shard's last invocation left, then processes the child (defect 4)", async () => {
      // Prepare: the parent's last batch crashed after its pending batch was written (the mapping then gave it up)
      const shared = { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
      const crashing = buildTestProcessor({ companies, shared, afterStep: (step) => { if (step === 'pending-written') throw new Error('crash'); } });
      const parentRecord = kinesisRecordFactory('bigdatajobs', PARENT)(jobEvent({ companyID: 'comp_1', nbJobs: 2, eventID: 'before-split' }));
      await expect(crashing.processor.process('bigdatajobs', PARENT, [parentRecord])).rejects.toThrow('crash');
      const { processor } = buildTestProcessor({ companies, shared });
      const handler = createKinesisEventHandler(processor, new MemoryLogger(), lineage());
      const childRecord = kinesisRecordFactory('bigdatajobs', CHILD)(jobEvent({ companyID: 'comp_1', nbJobs: 3, eventID: 'after-split' }));

      // Act
      const response = await handler(kinesisEventFixture([childRecord]));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(shared.stream.records.map((record) => record.eventID).sort()).toEqual(['after-split', 'before-split']);
      expect(shared.laneStore.lanes.get(`bigdatajobs/${PARENT}`)?.pending).toBeUndefined();
    });

    it("skips a producer duplicate that straddles the reshard: the child's dedupe window includes its parent's", async () => {
      // Prepare
      const shared = { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
      const parentContainer = createKinesisEventHandler(buildTestProcessor({ companies, shared }).processor, new MemoryLogger(), lineage());
      await parentContainer(kinesisEventFixture([kinesisRecordFactory('bigdatajobs', PARENT)(jobEvent({ companyID: 'comp_1', eventID: 'sent-twice' }))]));
      const childContainer = createKinesisEventHandler(buildTestProcessor({ companies, shared }).processor, new MemoryLogger(), lineage());

      // Act: the producer's retry landed on the child shard, handled by another container
      await childContainer(kinesisEventFixture([kinesisRecordFactory('bigdatajobs', CHILD)(jobEvent({ companyID: 'comp_1', eventID: 'sent-twice' }))]));

      // Assess
      expect(shared.stream.records.map((record) => record.eventID)).toEqual(['sent-twice']);
    });
  });
});
