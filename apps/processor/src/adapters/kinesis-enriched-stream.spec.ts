import { KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { enrichedCompanySchema } from '@tenant-analytics/domain';
import { StreamWriteError } from '@tenant-analytics/kinesis-writer';
import { mockClient } from 'aws-sdk-client-mock';
import { DependencyUnavailableError } from '../core/errors';
import { serializeEnriched } from '../core/output-files';
import { enrichedCompanyFactory } from '../testing/record-fixtures';
import { InMemoryMetrics } from './in-memory-metrics';
import { KinesisEnrichedStream } from './kinesis-enriched-stream';

const STREAM = 'enrichedcompanies';

const kinesis = mockClient(KinesisClient);

function streamFactory() {
  const metrics = new InMemoryMetrics();
  const stream = new KinesisEnrichedStream(new KinesisClient({ region: 'us-west-2' }), STREAM, metrics);
  return { stream, metrics };
}

const records = serializeEnriched([enrichedCompanyFactory(1, '100'), enrichedCompanyFactory(2, '110'), enrichedCompanyFactory(1, '120')]);
const accepted = (count: number): PutRecordsResultEntry[] => Array.from({ length: count }, (_, index) => ({ SequenceNumber: String(index), ShardId: 'shardId-000000000000' }));
const throttledEntry: PutRecordsResultEntry = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' };
const sentPartitionKeys = () => kinesis.commandCalls(PutRecordsCommand).map((call) => call.args[0].input.Records?.map((record) => record.PartitionKey));

describe('KinesisEnrichedStream', () => {
  beforeEach(() => {
    kinesis.reset();
    // No backoff between retry rounds: the writer waits random() × the capped delay.
    jest.spyOn(Math, 'random').mockReturnValue(0);
  });
  afterAll(() => kinesis.restore());

  it('puts one JSON record per enriched record, keyed by companyID', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: accepted(3) });
    const { stream } = streamFactory();

    // Act
    await stream.putRecords(records);

    // Assess
    const input = kinesis.commandCalls(PutRecordsCommand)[0]?.args[0].input;
    expect(input?.StreamName).toBe(STREAM);
    expect(input?.Records?.map((record) => record.PartitionKey)).toEqual(['comp_1', 'comp_2', 'comp_1']);
    const decoded = input?.Records?.map((record) => enrichedCompanySchema.parse(JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'))));
    expect(decoded).toEqual(records.map(({ record }) => record));
  });

  it('sends again only the entries a partial failure rejected, and counts the retries', async () => {
    // Prepare: the second entry is throttled once
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 1, Records: [accepted(1)[0] ?? {}, throttledEntry, accepted(1)[0] ?? {}] })
      .resolves({ FailedRecordCount: 0, Records: accepted(1) });
    const { stream, metrics } = streamFactory();

    // Act
    await stream.putRecords(records);

    // Assess
    expect(sentPartitionKeys()).toEqual([['comp_1', 'comp_2', 'comp_1'], ['comp_2']]);
    expect(metrics.counter('Retries{dependency=enriched-stream}')).toBe(1);
  });

  it('fails with a retriable DependencyUnavailableError when entries stay rejected', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [throttledEntry] });
    const { stream } = streamFactory();

    // Act
    const failure = await stream.putRecords(records.slice(0, 1)).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure).toMatchObject({ retriable: true, context: { stream: STREAM }, cause: expect.any(StreamWriteError) });
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(8); // the writer's default attempts
  });

  it('fails with a retriable DependencyUnavailableError when the call itself fails', async () => {
    // Prepare
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    kinesis.on(PutRecordsCommand).rejects(cause);
    const { stream } = streamFactory();

    // Act
    const failure = await stream.putRecords(records).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure).toMatchObject({ retriable: true, cause, message: expect.stringMatching(/3 record\(s\) to enrichedcompanies/) });
  });
});
