import { DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

/** A Kinesis client for unit tests; its calls go to the stub. */
export function mockedKinesis(): { readonly kinesis: KinesisClient; readonly stub: AwsClientStub<KinesisClient> } {
  const kinesis = new KinesisClient({ region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return { kinesis, stub: mockClient(kinesis) };
}

/** Answers DescribeStreamSummary with `status`. */
export function givenStream(stub: AwsClientStub<KinesisClient>, status = 'ACTIVE'): void {
  stub.on(DescribeStreamSummaryCommand).resolves({
    StreamDescriptionSummary: {
      StreamName: 'jobs',
      StreamARN: 'arn:aws:kinesis:us-west-2:000000000000:stream/jobs',
      StreamStatus: status as 'ACTIVE',
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: new Date(0),
      EnhancedMonitoring: [],
      OpenShardCount: 1,
    },
  });
}

/**
 * A fake PutRecords that rejects the entries `reject` picks (with ProvisionedThroughputExceeded)
 * and keeps every accepted entry, in order, so tests can check each was accepted exactly once.
 */
export function givenPutRecords(stub: AwsClientStub<KinesisClient>, reject: (data: string, attempt: number) => boolean = () => false) {
  const accepted: { readonly data: string; readonly partitionKey: string }[] = [];
  const attempts = new Map<string, number>();
  const callSizes: number[] = [];
  let injectedFailures = 0;
  stub.on(PutRecordsCommand).callsFake((input: { Records?: { Data?: Uint8Array; PartitionKey?: string }[] }) => {
    const records = input.Records ?? [];
    callSizes.push(records.length);
    const results: PutRecordsResultEntry[] = records.map((record, index) => {
      const data = Buffer.from(record.Data ?? []).toString('utf8');
      const attempt = (attempts.get(data) ?? 0) + 1;
      attempts.set(data, attempt);
      if (reject(data, attempt)) {
        injectedFailures += 1;
        return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' };
      }
      accepted.push({ data, partitionKey: record.PartitionKey ?? '' });
      return { SequenceNumber: String(accepted.length), ShardId: `shardId-${index % 2}` };
    });
    return { FailedRecordCount: results.filter((result) => result.ErrorCode !== undefined).length, Records: results };
  });
  return { accepted, callSizes, injectedFailures: () => injectedFailures };
}
