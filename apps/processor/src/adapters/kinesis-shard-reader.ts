import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  KinesisServiceException,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  type KinesisClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { DependencyUnavailableError, ProcessorError } from '../core/errors';
import type { InputRecord } from '../core/ports';

/** A shard as the runner needs it. */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
  readonly adjacentParentShardId?: string;
  /** Set once the shard is closed (after a reshard): no record will be added past it. */
  readonly endingSequenceNumber?: string;
}

/** Where to start reading a shard. */
export type StartPosition =
  | { readonly type: 'LATEST' | 'TRIM_HORIZON' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER' | 'AT_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

/** One GetRecords answer. */
export interface ShardReadResult {
  readonly records: InputRecord[];
  /** Undefined when the shard is closed and fully read. */
  readonly nextIterator?: string;
  readonly millisBehindLatest: number;
}

/** The iterator expired (idle > 5 min): get a new one from the checkpoint. */
export class IteratorExpiredError extends ProcessorError {
  constructor(cause: unknown) {
    super('shard iterator expired', { retriable: true, cause });
  }
}

/**
 * Kinesis refused to start after a checkpointed sequence number: the number is not in the shard,
 * because the stream was deleted and recreated or (locally) the emulator lost its data. Not
 * retriable: no retry will make the number valid; an operator decides where to resume.
 */
export class StaleCheckpointError extends ProcessorError {
  constructor(stream: string, shardId: string, sequenceNumber: string, cause: unknown) {
    super(
      `checkpoint ${sequenceNumber} of ${stream}/${shardId} is not in the shard (was the stream recreated, or did the emulator lose its data?): ` +
        `delete the lane's items (pk = lane#${stream}/${shardId}) from the state table to restart the shard from its initial position`,
      { retriable: false, context: { stream, shardId, sequenceNumber }, cause },
    );
  }
}

/** Reads shards with GetShardIterator/GetRecords (polling, as the KCL does without EFO). */
export class KinesisShardReader {
  constructor(private readonly client: KinesisClient) {}

  async listShards(stream: string): Promise<ShardInfo[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const response = await this.client
        .send(new ListShardsCommand(nextToken === undefined ? { StreamName: stream } : { NextToken: nextToken }))
        .catch((error: unknown) => translate(error, 'ListShards', stream));
      shards.push(...(response.Shards ?? []));
      nextToken = response.NextToken;
    } while (nextToken !== undefined);
    return shards.map((shard) => ({
      shardId: shard.ShardId ?? '',
      ...(shard.ParentShardId === undefined ? {} : { parentShardId: shard.ParentShardId }),
      ...(shard.AdjacentParentShardId === undefined ? {} : { adjacentParentShardId: shard.AdjacentParentShardId }),
      ...(shard.SequenceNumberRange?.EndingSequenceNumber === undefined ? {} : { endingSequenceNumber: shard.SequenceNumberRange.EndingSequenceNumber }),
    }));
  }

  async iterator(stream: string, shardId: string, position: StartPosition): Promise<string> {
    const type: ShardIteratorType = position.type;
    const response = await this.client
      .send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shardId,
          ShardIteratorType: type,
          ...('sequenceNumber' in position ? { StartingSequenceNumber: position.sequenceNumber } : {}),
          ...('timestamp' in position ? { Timestamp: position.timestamp } : {}),
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof InvalidArgumentException && 'sequenceNumber' in position) {
          throw new StaleCheckpointError(stream, shardId, position.sequenceNumber, error);
        }
        return translate(error, 'GetShardIterator', stream);
      });
    if (response.ShardIterator === undefined) throw new DependencyUnavailableError(`no iterator for ${stream}/${shardId}`, { stream, shardId });
    return response.ShardIterator;
  }

  async read(stream: string, shardId: string, iterator: string, limit: number): Promise<ShardReadResult> {
    let response;
    try {
      response = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    } catch (error) {
      if (error instanceof ExpiredIteratorException) throw new IteratorExpiredError(error);
      return translate(error, 'GetRecords', stream);
    }
    const records: InputRecord[] = (response.Records ?? []).map((record) => ({
      stream,
      shardId,
      sequenceNumber: record.SequenceNumber ?? '',
      partitionKey: record.PartitionKey ?? '',
      arrivalTime: record.ApproximateArrivalTimestamp ?? new Date(),
      data: record.Data ?? new Uint8Array(),
    }));
    return {
      records,
      ...(response.NextShardIterator === undefined || response.NextShardIterator === null ? {} : { nextIterator: response.NextShardIterator }),
      millisBehindLatest: response.MillisBehindLatest ?? 0,
    };
  }
}

function translate(error: unknown, operation: string, stream: string): never {
  const context = { operation, stream };
  if (error instanceof ResourceNotFoundException) {
    throw new ProcessorError(`Kinesis ${operation}: stream ${stream} not found`, { retriable: false, context, cause: error });
  }
  if (error instanceof ProvisionedThroughputExceededException || !(error instanceof KinesisServiceException) || error.$fault === 'server') {
    throw new DependencyUnavailableError(`Kinesis ${operation} on ${stream} failed: ${String(error)}`, context, error);
  }
  throw new ProcessorError(`Kinesis ${operation} on ${stream} failed: ${error.name}: ${error.message}`, { retriable: false, context, cause: error });
}
