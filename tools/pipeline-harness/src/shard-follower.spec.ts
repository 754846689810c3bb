import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, type GetShardIteratorCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { followShard, hasRecordAfter, shardIterator } from './shard-follower';

const client = { region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const position = { stream: 'enrichedcompanies', shardId: 'shardId-0' };
const record = (sequence: number) => ({ SequenceNumber: String(sequence), Data: Buffer.from(`r${sequence}`), PartitionKey: 'k' });

describe('followShard', () => {
  it('reads until caught up: every page in order, then stops at the first empty page', async () => {
    // Prepare: pages 0 and 1 hold records, page 2 is empty
    const kinesis = new KinesisClient(client);
    const stub = mockClient(kinesis);
    stub.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it:0' });
    stub.on(GetRecordsCommand).callsFake((input: { ShardIterator: string }) => {
      const page = Number(input.ShardIterator.split(':')[1]);
      return { Records: page < 2 ? [record(2 * page + 1), record(2 * page + 2)] : [], NextShardIterator: `it:${page + 1}` };
    });
    const seen: string[] = [];

    // Act
    await followShard({ kinesis, ...position, limit: 10, until: 'caught-up', onRecords: (page) => seen.push(...page.map((r) => r.SequenceNumber ?? '')) });

    // Assess
    expect(seen).toEqual(['1', '2', '3', '4']);
    expect(stub.commandCalls(GetRecordsCommand)).toHaveLength(3);
  });

  it('ends at the last record of a closed shard', async () => {
    // Prepare
    const kinesis = new KinesisClient(client);
    const stub = mockClient(kinesis);
    stub.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it:0' });
    stub.on(GetRecordsCommand).resolves({ Records: [record(1)], NextShardIterator: undefined });
    const controller = new AbortController();
    const seen: number[] = [];

    // Act
    await followShard({ kinesis, ...position, limit: 10, until: controller.signal, onRecords: (page) => seen.push(page.length) });

    // Assess
    expect(seen).toEqual([1]);
  });

  it('keeps following after a failed call, from after the last record seen, until aborted', async () => {
    // Prepare: record 1, then a failure (an expired iterator), then record 2, then nothing
    const kinesis = new KinesisClient(client);
    const stub = mockClient(kinesis);
    stub.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    stub
      .on(GetRecordsCommand)
      .resolvesOnce({ Records: [record(1)], NextShardIterator: 'it' })
      .rejectsOnce(new Error('ExpiredIteratorException'))
      .resolvesOnce({ Records: [record(2)], NextShardIterator: 'it' })
      .resolves({ Records: [], NextShardIterator: 'it' });
    const controller = new AbortController();
    const seen: string[] = [];
    const errors: unknown[] = [];

    // Act
    const following = followShard({
      kinesis,
      ...position,
      limit: 10,
      until: controller.signal,
      pollIntervalMs: 1,
      onRecords: (page) => {
        seen.push(...page.map((r) => r.SequenceNumber ?? ''));
        if (seen.length === 2) controller.abort();
      },
      onError: (error) => errors.push(error),
    });
    await following;

    // Assess
    expect(seen).toEqual(['1', '2']);
    expect(errors).toHaveLength(1);
    const iteratorInputs = stub.commandCalls(GetShardIteratorCommand).map((call) => call.args[0].input as GetShardIteratorCommandInput);
    expect(iteratorInputs.map((input) => [input.ShardIteratorType, input.StartingSequenceNumber])).toEqual([
      ['TRIM_HORIZON', undefined],
      ['AFTER_SEQUENCE_NUMBER', '1'],
    ]);
  });

  it('starts from a LATEST iterator taken beforehand, and after a failure goes on after the last record seen', async () => {
    // Prepare: the tap's iterator is taken first; record 1, a failure, then record 2
    const kinesis = new KinesisClient(client);
    const stub = mockClient(kinesis);
    stub.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    stub
      .on(GetRecordsCommand)
      .resolvesOnce({ Records: [record(1)], NextShardIterator: 'it' })
      .rejectsOnce(new Error('ExpiredIteratorException'))
      .resolvesOnce({ Records: [record(2)], NextShardIterator: 'it' })
      .resolves({ Records: [], NextShardIterator: 'it' });
    const latest = { kinesis, ...position, from: 'LATEST' } as const;
    const iterator = await shardIterator(latest);
    const controller = new AbortController();
    const seen: string[] = [];

    // Act
    await followShard({
      ...latest,
      iterator,
      limit: 10,
      until: controller.signal,
      pollIntervalMs: 1,
      onRecords: (page) => {
        seen.push(...page.map((r) => r.SequenceNumber ?? ''));
        if (seen.length === 2) controller.abort();
      },
      onError: () => undefined,
    });

    // Assess
    expect(seen).toEqual(['1', '2']);
    const iteratorInputs = stub.commandCalls(GetShardIteratorCommand).map((call) => call.args[0].input as GetShardIteratorCommandInput);
    expect(iteratorInputs.map((input) => [input.ShardIteratorType, input.StartingSequenceNumber])).toEqual([
      ['LATEST', undefined],
      ['AFTER_SEQUENCE_NUMBER', '1'],
    ]);
  });

  it('rejects with the error of a failed call when reading until caught up', async () => {
    // Prepare
    const kinesis = new KinesisClient(client);
    mockClient(kinesis).on(GetShardIteratorCommand).rejects(new Error('ResourceNotFoundException'));

    // Act & assess
    await expect(followShard({ kinesis, ...position, limit: 10, until: 'caught-up', onRecords: () => undefined })).rejects.toThrow('ResourceNotFoundException');
  });
});

describe('hasRecordAfter', () => {
  it('asks for one record after the checkpoint', async () => {
    // Prepare
    const kinesis = new KinesisClient(client);
    const stub = mockClient(kinesis);
    stub.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    stub.on(GetRecordsCommand).resolves({ Records: [record(8)], NextShardIterator: 'it' });

    // Act
    const found = await hasRecordAfter({ kinesis, ...position, after: '7' });

    // Assess
    expect(found).toBe(true);
    expect(stub.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toMatchObject({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '7' });
    expect(stub.commandCalls(GetRecordsCommand)[0]?.args[0].input).toMatchObject({ Limit: 1 });
  });
});
