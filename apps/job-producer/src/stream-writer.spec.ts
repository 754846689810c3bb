import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ProducerError, StreamNotFoundError } from './errors';
import { StreamWriter } from './stream-writer';
import { givenPutRecords, givenStream, mockedKinesis } from './testing/kinesis-mock';

const entries = (count: number, prefix = 'e') =>
  Array.from({ length: count }, (_, index) => ({ data: new TextEncoder().encode(`${prefix}${index}`), partitionKey: `comp_${index % 3}` }));

describe('StreamWriter', () => {
  it.each(['CREATING', 'DELETING'])('rejects a stream that is %s', async (status) => {
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub, status);

    await expect(StreamWriter.open(kinesis, 'jobs')).rejects.toThrow(new StreamNotFoundError(`Stream jobs is ${status}, not ACTIVE: wait for it or pass another --stream`));
  });

  it('counts sent, accepted and retried entries across batches', async () => {
    // Prepare: the first attempt of every fifth entry is throttled
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    const stream = givenPutRecords(stub, (data, attempt) => attempt === 1 && Number(data.slice(1)) % 5 === 0);
    const onChange = jest.fn();
    const writer = await StreamWriter.open(kinesis, 'jobs', { retry: { initialDelayMs: 1 }, onChange });

    // Act
    await writer.put(entries(700));
    await writer.put(entries(10, 'f'));

    // Assess
    expect(writer.counters).toEqual({ sent: 710, accepted: 710, rejected: 0, retriedEntries: 142, putRecordsCalls: 5 });
    expect(stream.accepted).toHaveLength(710);
    expect(onChange).toHaveBeenCalled();
  });

  it('counts the entries still rejected and names the stream in the error', async () => {
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    givenPutRecords(stub, (data) => data === 'e1' || data === 'e2');
    const writer = await StreamWriter.open(kinesis, 'jobs', { retry: { maxAttempts: 2, initialDelayMs: 1 } });

    await expect(writer.put(entries(10))).rejects.toThrow(/2 record\(s\) still rejected by jobs after 2 attempts \(ProvisionedThroughputExceededException\)/);

    expect(writer.counters).toMatchObject({ sent: 10, accepted: 8, rejected: 2 });
    expect(stub.commandCalls(PutRecordsCommand)).toHaveLength(2);
  });

  it('counts a batch whose call failed as not accepted and translates the error', async () => {
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    stub.on(PutRecordsCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }));
    const writer = await StreamWriter.open(kinesis, 'jobs');

    const putting = writer.put(entries(3));

    await expect(putting).rejects.toBeInstanceOf(ProducerError);
    await expect(putting).rejects.toMatchObject({ name: 'CredentialsError' });
    expect(writer.counters).toMatchObject({ sent: 3, accepted: 0, rejected: 3 });
  });
});
