import { KinesisClient, PutRecordCommand, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { companyEventSchema, generateCompany, type CompanyEvent } from '@tenant-analytics/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { pino } from 'pino';
import { PublishError } from '../errors';
import { createKinesisClient, KinesisSnapshotPublisher, MAX_PUT_RECORDS_ENTRIES } from './kinesis-snapshot-publisher';

const logger = pino({ level: 'silent' });
const asOf = '2026-11-25T10:00:00.000Z';

function snapshotFactory(index: number): CompanyEvent {
  return { ...generateCompany(42, index), asOf };
}

function decodeEntries(input: PutRecordsCommandInput): CompanyEvent[] {
  return (input.Records ?? []).map((entry) => companyEventSchema.parse(JSON.parse(Buffer.from(entry.Data ?? new Uint8Array()).toString('utf8'))));
}

describe('KinesisSnapshotPublisher', () => {
  const kinesis = mockClient(KinesisClient);
  const client = new KinesisClient({ region: 'us-west-2', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const publisherFactory = (maxBatchAttempts = 3): KinesisSnapshotPublisher =>
    new KinesisSnapshotPublisher({ client, streamName: 'companies', logger, maxBatchAttempts, initialBackoffMs: 1 });

  beforeEach(() => kinesis.reset());

  it('publishes one snapshot as JSON keyed by companyID', async () => {
    // prepare
    kinesis.on(PutRecordCommand).resolves({ ShardId: 'shardId-000000000000', SequenceNumber: '1' });

    // act
    await publisherFactory().publish(snapshotFactory(3));

    // assess
    const input = kinesis.commandCalls(PutRecordCommand)[0]?.args[0].input;
    expect(input?.StreamName).toBe('companies');
    expect(input?.PartitionKey).toBe('comp_3');
    expect(JSON.parse(Buffer.from(input?.Data ?? new Uint8Array()).toString('utf8'))).toEqual(snapshotFactory(3));
  });

  it('fails with a PublishError naming the company when PutRecord fails', async () => {
    // prepare
    kinesis.on(PutRecordCommand).rejects(Object.assign(new Error('Stream companies not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }));

    // act
    const attempt = publisherFactory().publish(snapshotFactory(1));

    // assess
    await expect(attempt).rejects.toThrow(PublishError);
    await expect(attempt).rejects.toMatchObject({ retriable: false, context: { streamName: 'companies', companyID: 'comp_1' } });
  });

  it('publishes a data set in batches of at most 500', async () => {
    // prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({ FailedRecordCount: 0, Records: (input.Records ?? []).map(() => ({ SequenceNumber: '1', ShardId: 's' })) }));
    const snapshots = Array.from({ length: 1_201 }, (_, index) => snapshotFactory(index));

    // act
    const summary = await publisherFactory().publishAll(snapshots);

    // assess
    const batches = kinesis.commandCalls(PutRecordsCommand).map((call) => decodeEntries(call.args[0].input));
    expect(batches.map((batch) => batch.length).sort((a, b) => b - a)).toEqual([MAX_PUT_RECORDS_ENTRIES, MAX_PUT_RECORDS_ENTRIES, 201]);
    expect(batches.flat().map((snapshot) => snapshot.companyID).sort()).toEqual(snapshots.map((snapshot) => snapshot.companyID).sort());
    expect(summary).toEqual({ published: 1_201, batches: 3, retriedEntries: 0 });
  });

  it('sends again only the entries a batch rejected', async () => {
    // prepare
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 2, Records: [{ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' }, { SequenceNumber: '1', ShardId: 's' }, { ErrorCode: 'InternalFailure' }] })
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '2', ShardId: 's' }, { SequenceNumber: '3', ShardId: 's' }] });

    // act
    const summary = await publisherFactory().publishAll([snapshotFactory(0), snapshotFactory(1), snapshotFactory(2)]);

    // assess
    const calls = kinesis.commandCalls(PutRecordsCommand).map((call) => decodeEntries(call.args[0].input).map((snapshot) => snapshot.companyID));
    expect(calls).toEqual([['comp_0', 'comp_1', 'comp_2'], ['comp_0', 'comp_2']]);
    expect(summary).toEqual({ published: 3, batches: 1, retriedEntries: 2 });
  });

  it('fails with a retriable PublishError when entries keep being rejected', async () => {
    // prepare
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [{ ErrorCode: 'ProvisionedThroughputExceededException' }] });

    // act
    const attempt = publisherFactory(3).publishAll([snapshotFactory(0)]);

    // assess
    await expect(attempt).rejects.toMatchObject({ name: 'PublishError', retriable: true, context: { failedCount: 1, errorCodes: ['ProvisionedThroughputExceededException'] } });
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });

  it('fails without retrying when the PutRecords call itself fails', async () => {
    // prepare
    kinesis.on(PutRecordsCommand).rejects(new Error('Stream companies not found'));

    // act
    const attempt = publisherFactory().publishAll([snapshotFactory(0)]);

    // assess
    await expect(attempt).rejects.toThrow(/PutRecords to companies failed: Stream companies not found/);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1);
  });
});

describe('createKinesisClient', () => {
  it('uses the given endpoint and region', async () => {
    // act
    const client = createKinesisClient({ endpoint: 'http://127.0.0.1:4567', region: 'eu-west-1' });

    // assess
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 4567, protocol: 'http:' });
    client.destroy();
  });
});
