import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { OversizedRecordError, PUT_RECORDS_LIMITS, StreamWriteError, planPutRecordsCalls, putRecordsReliably, type StreamEntry } from './put-records';

const entry = (key: string, bytes = 10): StreamEntry => ({ data: new Uint8Array(bytes), partitionKey: key });
const kinesisMock = mockClient(KinesisClient);

describe('planPutRecordsCalls', () => {
  it('splits at 500 records per call', () => {
    const calls = planPutRecordsCalls(Array.from({ length: 1_201 }, (_, i) => entry(`k${i}`)));
    expect(calls.map((call) => call.length)).toEqual([500, 500, 201]);
  });

  it('splits before a call would pass 5 MiB', () => {
    const big = Array.from({ length: 12 }, (_, i) => entry(`k${i}`, 1_000_000));
    const calls = planPutRecordsCalls(big);
    expect(calls.map((call) => call.length)).toEqual([5, 5, 2]);
    for (const call of calls) expect(call.reduce((sum, e) => sum + e.data.byteLength + e.partitionKey.length, 0)).toBeLessThanOrEqual(PUT_RECORDS_LIMITS.maxBytes);
  });

  it('rejects a record larger than 1 MiB', () => {
    expect(() => planPutRecordsCalls([entry('k', 1024 * 1024 + 1)])).toThrow(OversizedRecordError);
  });
});

describe('putRecordsReliably', () => {
  beforeEach(() => kinesisMock.reset());
  const client = new KinesisClient({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

  it('retries only the rejected entries until all are accepted', async () => {
    // Prepare: the first call throttles entries 1 and 3
    kinesisMock
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [{ SequenceNumber: '1' }, { ErrorCode: 'ProvisionedThroughputExceededException' }, { SequenceNumber: '2' }, { ErrorCode: 'InternalFailure' }],
      })
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '3' }, { SequenceNumber: '4' }] });
    const onRetry = jest.fn();

    // Act
    const summary = await putRecordsReliably(client, 'jobs', ['a', 'b', 'c', 'd'].map((k) => entry(k)), { initialDelayMs: 1, onRetry });

    // Assess
    const sent = kinesisMock.commandCalls(PutRecordsCommand).map((call) => (call.args[0].input as PutRecordsCommandInput).Records?.map((r) => r.PartitionKey));
    expect(sent).toEqual([['a', 'b', 'c', 'd'], ['b', 'd']]);
    expect(summary).toEqual({ records: 4, calls: 2, retriedEntries: 2 });
    expect(onRetry).toHaveBeenCalledWith(2, 1, ['ProvisionedThroughputExceededException', 'InternalFailure']);
  });

  it('fails after maxAttempts naming how many entries were rejected', async () => {
    kinesisMock.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [{ ErrorCode: 'ProvisionedThroughputExceededException' }] });

    const attempt = putRecordsReliably(client, 'jobs', [entry('a')], { maxAttempts: 3, initialDelayMs: 1 });

    await expect(attempt).rejects.toBeInstanceOf(StreamWriteError);
    await expect(attempt).rejects.toThrow(/1 record\(s\) still rejected by jobs after 3 attempts/);
    expect(kinesisMock.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });
});
