import { gzipSync } from 'node:zlib';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { generateCompany } from '@tenant-analytics/domain';
import { defaultLocalEndpoints } from '@tenant-analytics/local-stack';
import { mockClient } from 'aws-sdk-client-mock';
import { readDeadLetters, readEnrichedInS3, readOutputStream } from './sink-reader';

const client = { region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const endpoints = defaultLocalEndpoints();

/** An enriched record of the generated company 1 (its profile, plus the event's fields). */
const line = (eventID: string) => ({
  ...generateCompany(42, 1),
  churnProbability: 0.2,
  eventID,
  userID: 'u',
  nbJobs: 1,
  eventTime: '2026-11-20T10:00:00.000Z',
  processedAt: '2026-11-20T10:00:01.000Z',
  source: { stream: 'bigdatajobs', shardId: 'shardId-000000000000', sequenceNumber: '1' },
});

const body = (bytes: Uint8Array) => ({ Body: { transformToByteArray: async () => bytes } }) as unknown as GetObjectCommandOutput;

describe('readEnrichedInS3 and readDeadLetters', () => {
  it('page through more than one listing by marker and read every object', async () => {
    // Prepare: 1,000 keys in the first listing, 2 in the second (s3rver's ListObjectsV2 fails there)
    const s3 = new S3Client(client);
    const stub = mockClient(s3);
    const keys = Array.from({ length: 1_002 }, (_, index) => `churn/data/dt=2026-11-20/hour=10/k${String(index).padStart(5, '0')}.jsonl.gz`);
    stub.on(ListObjectsCommand).callsFake((input: { Marker?: string }) => {
      const from = input.Marker === undefined ? 0 : keys.indexOf(input.Marker) + 1;
      const page = keys.slice(from, from + 1_000);
      return { Contents: page.map((Key) => ({ Key })), IsTruncated: from + page.length < keys.length };
    });
    stub.on(GetObjectCommand).callsFake((input: { Key: string }) => body(gzipSync(`${JSON.stringify(line(input.Key))}\n${JSON.stringify(line(`${input.Key}-2`))}\n`)));

    // Act
    const enriched = await readEnrichedInS3({ s3, endpoints });

    // Assess
    expect(enriched).toHaveLength(2_004);
    expect(enriched.at(-1)?.eventID).toBe(`${keys.at(-1)}-2`);
    expect(stub.commandCalls(ListObjectsCommand).map((call) => call.args[0].input.Marker)).toEqual([undefined, keys[999]]);
  });

  it('read an object again when its response is cut short, and give up after ten reads', async () => {
    // Prepare: the first read of the object aborts (s3rver rewriting it in place), the second succeeds
    const s3 = new S3Client(client);
    const stub = mockClient(s3);
    const key = 'churn/data/dt=2026-11-20/hour=10/a.jsonl.gz';
    const aborted = { Body: { transformToByteArray: () => Promise.reject(new Error('aborted')) } } as unknown as GetObjectCommandOutput;
    stub.on(ListObjectsCommand).resolves({ Contents: [{ Key: key }], IsTruncated: false });
    stub.on(GetObjectCommand).resolvesOnce(aborted).resolves(body(gzipSync(`${JSON.stringify(line('e1'))}\n`)));

    // Act, Assess
    await expect(readEnrichedInS3({ s3, endpoints })).resolves.toMatchObject([{ eventID: 'e1' }]);
    expect(stub.commandCalls(GetObjectCommand)).toHaveLength(2);

    stub.on(GetObjectCommand).resolves(aborted);
    await expect(readEnrichedInS3({ s3, endpoints })).rejects.toThrow('aborted');
    expect(stub.commandCalls(GetObjectCommand)).toHaveLength(2 + 10);
  });

  it('decode dead letters and reject a malformed one', async () => {
    const s3 = new S3Client(client);
    const stub = mockClient(s3);
    const letter = { reason: 'bad-type', message: 'm', stage: 'validate', attempts: 1, firstFailureAt: '2026-11-20T10:00:00.000Z', record: { data: 'eA==', partitionKey: 'p', sequenceNumber: '1', shardId: 's', stream: 'bigdatajobs', arrivalTime: '2026-11-20T10:00:00.000Z' } };
    stub.on(ListObjectsCommand).resolves({ Contents: [{ Key: 'dead-letters/a.json' }], IsTruncated: false });
    stub.on(GetObjectCommand).resolves(body(Buffer.from(JSON.stringify(letter))));

    await expect(readDeadLetters({ s3, endpoints })).resolves.toEqual([letter]);

    stub.on(GetObjectCommand).resolves(body(Buffer.from('{"reason":"nope"}')));
    await expect(readDeadLetters({ s3, endpoints })).rejects.toThrow();
  });
});

describe('readOutputStream', () => {
  it('reads every shard until a page comes back empty, whatever MillisBehindLatest says', async () => {
    const kinesis = new KinesisClient(client);
    const stub = mockClient(kinesis);
    const shard = (ShardId: string) => ({ ShardId, HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' }, SequenceNumberRange: { StartingSequenceNumber: '0' } });
    stub.on(ListShardsCommand).resolves({ Shards: [shard('shardId-0'), shard('shardId-1')] });
    stub.on(GetShardIteratorCommand).callsFake((input: { ShardId: string }) => ({ ShardIterator: `${input.ShardId}:0` }));
    stub.on(GetRecordsCommand).callsFake((input: { ShardIterator: string }) => {
      const [shard, page] = input.ShardIterator.split(':');
      const records = Number(page) < 2 ? [{ Data: Buffer.from(JSON.stringify(line(`${shard}-${page}`))) }] : [];
      return { Records: records, MillisBehindLatest: 0, NextShardIterator: `${shard}:${Number(page) + 1}` };
    });

    const records = await readOutputStream({ kinesis, endpoints });

    expect(records.map((record) => record.eventID)).toEqual(['shardId-0-0', 'shardId-0-1', 'shardId-1-0', 'shardId-1-1']);
  });
});
