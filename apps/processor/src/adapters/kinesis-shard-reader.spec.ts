import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  KinesisClient,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  type GetRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { DependencyUnavailableError, ProcessorError } from '../core/errors';
import { IteratorExpiredError, KinesisShardReader, StaleCheckpointError, type StartPosition } from './kinesis-shard-reader';

const STREAM = 'bigdatajobs';
const SHARD = 'shardId-000000000000';

const kinesis = mockClient(KinesisClient);
const readerFactory = () => new KinesisShardReader(new KinesisClient({ region: 'us-west-2' }));

describe('KinesisShardReader', () => {
  beforeEach(() => kinesis.reset());
  afterAll(() => kinesis.restore());

  describe('listShards', () => {
    it('follows NextToken (sent without the stream name) and maps parents and closed shards', async () => {
      // Prepare: a reshard split shard 0 into 1 and 2, listed over two pages
      kinesis
        .on(ListShardsCommand)
        .resolvesOnce({
          Shards: [{ ShardId: 'shardId-000000000000', HashKeyRange: undefined, SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '900' } }],
          NextToken: 'page-2',
        })
        .resolvesOnce({
          Shards: [
            { ShardId: 'shardId-000000000001', ParentShardId: 'shardId-000000000000', HashKeyRange: undefined, SequenceNumberRange: { StartingSequenceNumber: '901' } },
            { ShardId: 'shardId-000000000002', ParentShardId: 'shardId-000000000000', AdjacentParentShardId: 'shardId-000000000003', HashKeyRange: undefined, SequenceNumberRange: { StartingSequenceNumber: '902' } },
          ],
        });

      // Act
      const shards = await readerFactory().listShards(STREAM);

      // Assess
      expect(kinesis.commandCalls(ListShardsCommand).map((call) => call.args[0].input)).toEqual([{ StreamName: STREAM }, { NextToken: 'page-2' }]);
      expect(shards).toEqual([
        { shardId: 'shardId-000000000000', endingSequenceNumber: '900' },
        { shardId: 'shardId-000000000001', parentShardId: 'shardId-000000000000' },
        { shardId: 'shardId-000000000002', parentShardId: 'shardId-000000000000', adjacentParentShardId: 'shardId-000000000003' },
      ]);
    });

    it('fails with a non-retriable error when the stream does not exist', async () => {
      // Prepare
      kinesis.on(ListShardsCommand).rejects(new ResourceNotFoundException({ message: 'no stream', $metadata: {} }));

      // Act
      const failure = await readerFactory().listShards(STREAM).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ProcessorError);
      expect(failure).toMatchObject({ retriable: false, message: expect.stringMatching(/stream bigdatajobs not found/) });
    });
  });

  describe('iterator', () => {
    const at = new Date('2026-11-25T10:00:00Z');

    it.each<[StartPosition, Record<string, unknown>]>([
      [{ type: 'LATEST' }, {}],
      [{ type: 'TRIM_HORIZON' }, {}],
      [{ type: 'AT_TIMESTAMP', timestamp: at }, { Timestamp: at }],
      [{ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '4711' }, { StartingSequenceNumber: '4711' }],
      [{ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '4711' }, { StartingSequenceNumber: '4711' }],
    ])('asks for a %j iterator with the matching parameters', async (position, extra) => {
      // Prepare
      kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'iterator-1' });

      // Act
      const iterator = await readerFactory().iterator(STREAM, SHARD, position);

      // Assess
      expect(iterator).toBe('iterator-1');
      expect(kinesis.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toEqual({ StreamName: STREAM, ShardId: SHARD, ShardIteratorType: position.type, ...extra });
    });

    it('fails with a retriable error when no iterator comes back', async () => {
      // Prepare
      kinesis.on(GetShardIteratorCommand).resolves({});

      // Act
      const failure = await readerFactory().iterator(STREAM, SHARD, { type: 'LATEST' }).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
    });

    it('fails with a retriable DependencyUnavailableError when throttled', async () => {
      // Prepare
      kinesis.on(GetShardIteratorCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

      // Act
      const failure = await readerFactory().iterator(STREAM, SHARD, { type: 'LATEST' }).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(failure).toMatchObject({ context: { operation: 'GetShardIterator', stream: STREAM } });
    });

    it('fails with a non-retriable StaleCheckpointError naming the fix when the checkpoint is not in the shard', async () => {
      // Prepare: what Kinesis (and kinesalite) answer after the stream was recreated
      const message = 'StartingSequenceNumber 4960 used in GetShardIterator on shard shardId-000000000000 in stream bigdatajobs is invalid because it did not come from this stream.';
      kinesis.on(GetShardIteratorCommand).rejects(new InvalidArgumentException({ message, $metadata: {} }));

      // Act
      const failure = await readerFactory().iterator(STREAM, SHARD, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '4960' }).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(StaleCheckpointError);
      expect(failure).toMatchObject({ retriable: false, context: { stream: STREAM, shardId: SHARD, sequenceNumber: '4960' } });
      expect(String((failure as Error).message)).toContain(`lane#${STREAM}/${SHARD}`);
    });
  });

  describe('read', () => {
    it('maps the records to input records and returns the next iterator and lag', async () => {
      // Prepare
      const arrival = new Date('2026-11-25T10:00:00Z');
      kinesis.on(GetRecordsCommand).resolves({
        Records: [
          { SequenceNumber: '100', PartitionKey: 'comp_1', ApproximateArrivalTimestamp: arrival, Data: new TextEncoder().encode('{"a":1}') },
          { SequenceNumber: '110', PartitionKey: 'comp_2', ApproximateArrivalTimestamp: arrival, Data: new TextEncoder().encode('x') },
        ],
        NextShardIterator: 'iterator-2',
        MillisBehindLatest: 1_500,
      });

      // Act
      const result = await readerFactory().read(STREAM, SHARD, 'iterator-1', 250);

      // Assess
      expect(kinesis.commandCalls(GetRecordsCommand)[0]?.args[0].input).toEqual({ ShardIterator: 'iterator-1', Limit: 250 });
      expect(result).toEqual({
        records: [
          { stream: STREAM, shardId: SHARD, sequenceNumber: '100', partitionKey: 'comp_1', arrivalTime: arrival, data: new TextEncoder().encode('{"a":1}') },
          { stream: STREAM, shardId: SHARD, sequenceNumber: '110', partitionKey: 'comp_2', arrivalTime: arrival, data: new TextEncoder().encode('x') },
        ],
        nextIterator: 'iterator-2',
        millisBehindLatest: 1_500,
      });
    });

    it.each([
      ['null', { NextShardIterator: null }],
      ['absent', {}],
    ])('ends the shard (no next iterator) when NextShardIterator is %s', async (_case, wire) => {
      // Prepare: a closed shard read to its end (the wire may carry an explicit null)
      kinesis.on(GetRecordsCommand).resolves({ Records: [], MillisBehindLatest: 0, ...wire } as unknown as GetRecordsCommandOutput);

      // Act
      const result = await readerFactory().read(STREAM, SHARD, 'iterator-1', 100);

      // Assess
      expect(result).toEqual({ records: [], millisBehindLatest: 0 });
      expect('nextIterator' in result).toBe(false);
    });

    it('fails with an IteratorExpiredError when the iterator expired', async () => {
      // Prepare
      kinesis.on(GetRecordsCommand).rejects(new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} }));

      // Act
      const failure = await readerFactory().read(STREAM, SHARD, 'iterator-1', 100).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(IteratorExpiredError);
      expect(failure).toMatchObject({ retriable: true, cause: expect.any(ExpiredIteratorException) });
    });

    it('fails with a retriable DependencyUnavailableError when throttled', async () => {
      // Prepare
      kinesis.on(GetRecordsCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

      // Act
      const failure = await readerFactory().read(STREAM, SHARD, 'iterator-1', 100).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(failure).not.toBeInstanceOf(IteratorExpiredError);
    });
  });
});
