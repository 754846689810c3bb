import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { companyEventSchema, type CompanyEvent } from '@tenant-analytics/domain';
import kinesalite from 'kinesalite';
import { createKinesisClient } from '../../src/adapters/kinesis-snapshot-publisher';

/** Local test credentials (kinesalite ignores them, the SDK needs some), and a quiet SDK on Node 20. */
export const TEST_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-west-2',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
} as const;

/** A record read back from a stream. */
export interface ReadRecord {
  readonly partitionKey: string;
  readonly snapshot: CompanyEvent;
}

/** kinesalite in this process, on a free loopback port. */
export class KinesisEmulator {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    readonly client: KinesisClient,
  ) {}

  static async start(): Promise<KinesisEmulator> {
    Object.assign(process.env, TEST_CREDENTIALS);
    const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0 });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new KinesisEmulator(server, endpoint, createKinesisClient({ endpoint, region: TEST_CREDENTIALS.AWS_REGION }));
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Creates an ACTIVE stream with a unique name. */
  async createStream(prefix: string, shardCount = 2): Promise<string> {
    const streamName = `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    await this.client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    for (;;) {
      const { StreamDescription } = await this.client.send(new DescribeStreamCommand({ StreamName: streamName }));
      if (StreamDescription?.StreamStatus === 'ACTIVE') {
        return streamName;
      }
      await sleep(20);
    }
  }

  /** Every record of every shard, oldest first per shard, decoded as company snapshots. */
  async readAll(streamName: string): Promise<ReadRecord[]> {
    const { Shards = [] } = await this.client.send(new ListShardsCommand({ StreamName: streamName }));
    const records: ReadRecord[] = [];
    for (const shard of Shards) {
      let { ShardIterator: iterator } = await this.client.send(
        new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (iterator) {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const record of page.Records ?? []) {
          const json: unknown = JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
          records.push({ partitionKey: record.PartitionKey ?? '', snapshot: companyEventSchema.parse(json) });
        }
        iterator = (page.Records ?? []).length > 0 ? page.NextShardIterator : undefined;
      }
    }
    return records;
  }
}
