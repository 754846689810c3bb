import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { companyEventSchema, sleep, type CompanyEvent } from '@tenant-analytics/domain';

/** A record read back from a stream. */
export interface ReadRecord {
  readonly partitionKey: string;
  readonly snapshot: CompanyEvent;
}

/** Creates an ACTIVE stream with a unique name. */
export async function createStream(client: KinesisClient, prefix: string, shardCount = 2): Promise<string> {
  const streamName = `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  for (;;) {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
    if (StreamDescription?.StreamStatus === 'ACTIVE') {
      return streamName;
    }
    await sleep(50);
  }
}

/** Every record of every shard, oldest first per shard, decoded as company snapshots. */
export async function readAll(client: KinesisClient, streamName: string): Promise<ReadRecord[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const records: ReadRecord[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        const json: unknown = JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
        records.push({ partitionKey: record.PartitionKey ?? '', snapshot: companyEventSchema.parse(json) });
      }
      iterator = (page.Records ?? []).length > 0 ? page.NextShardIterator : undefined;
    }
  }
  return records;
}
