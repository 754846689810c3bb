import type { ShardInfo } from '../adapters/kinesis-shard-reader';

/** Lists a stream's shards with their parents (the Kinesis shard reader's `listShards`). */
export interface ShardLister {
  listShards(stream: string): Promise<ShardInfo[]>;
}

/**
 * The parents of a shard, for the Lambda path, which the event source mapping does not tell: a
 * child lane's dedupe window includes its parents' and their unfinished pending batches are
 * finished before it. One ListShards per stream per container, again when a shard is new to it
 * (after a reshard).
 */
export class ShardLineage {
  private readonly byStream = new Map<string, Map<string, readonly string[]>>();

  constructor(private readonly lister: ShardLister) {}

  async parentsOf(stream: string, shardId: string): Promise<readonly string[]> {
    let shards = this.byStream.get(stream);
    if (shards?.has(shardId) !== true) {
      const listed = await this.lister.listShards(stream);
      shards = new Map(listed.map((shard) => [shard.shardId, [shard.parentShardId, shard.adjacentParentShardId].filter((id): id is string => id !== undefined)]));
      this.byStream.set(stream, shards);
    }
    return shards.get(shardId) ?? [];
  }
}
