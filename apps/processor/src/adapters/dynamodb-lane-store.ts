import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LaneConflictError, ProcessorError } from '../core/errors';
import { pendingBatchSchema, type PendingBatch } from '../core/pending-batch';
import type { LaneState, LaneStore } from '../core/ports';
import { decodeStoredJson, translateDynamoError } from './dynamodb-errors';

/** Pending batches are stored gzip-compressed in chunks below DynamoDB's 400 KB item limit. */
const CHUNK_BYTES = 300_000;
/** Chunks left behind by a crash expire after this (the lane item no longer points at them). */
const CHUNK_TTL_SECONDS = 7 * 86_400;

const laneKey = (laneId: string): Record<string, AttributeValue> => ({ pk: { S: `lane#${laneId}` }, sk: { S: 'lane' } });
const chunkSortKey = (pendingId: string, index: number) => `pending#${pendingId}#${String(index).padStart(4, '0')}`;

/**
 * Lane progress in the state table: one item per shard lane (`pk = lane#<stream>/<shardId>`,
 * `sk = lane`) with the checkpoint and the id of the pending batch, whose body lives in chunk
 * items of the same partition. The chunks are written before the lane item points at them, so a
 * lane never points at a partial body.
 */
export class DynamoDbLaneStore implements LaneStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(laneId: string): Promise<LaneState> {
    const response = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: laneKey(laneId), ConsistentRead: true }))
      .catch((error: unknown) => translateDynamoError(error, 'GetItem', this.tableName));
    const item = response.Item;
    const checkpoint = item?.['checkpoint']?.S;
    const pendingId = item?.['pendingId']?.S;
    const chunks = Number(item?.['pendingChunks']?.N ?? 0);
    const lane: LaneState = { laneId, ...(checkpoint === undefined ? {} : { checkpoint }) };
    if (pendingId === undefined) return lane;
    return { ...lane, pending: await this.readPending(laneId, pendingId, chunks) };
  }

  async putPending(laneId: string, pending: PendingBatch): Promise<void> {
    const body = gzipSync(JSON.stringify(pending));
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < body.length; offset += CHUNK_BYTES) chunks.push(body.subarray(offset, offset + CHUNK_BYTES));
    const expiresAt = String(Math.floor(Date.now() / 1000) + CHUNK_TTL_SECONDS);
    for (const [index, chunk] of chunks.entries()) {
      await this.client
        .send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: { pk: { S: `lane#${laneId}` }, sk: { S: chunkSortKey(pending.id, index) }, data: { B: chunk }, expiresAt: { N: expiresAt } },
          }),
        )
        .catch((error: unknown) => translateDynamoError(error, 'PutItem', this.tableName));
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: laneKey(laneId),
          UpdateExpression: 'SET pendingId = :id, pendingChunks = :chunks, pendingFirst = :first, pendingLast = :last',
          ConditionExpression: 'attribute_not_exists(pendingId) OR pendingId = :id',
          ExpressionAttributeValues: {
            ':id': { S: pending.id },
            ':chunks': { N: String(chunks.length) },
            ':first': { S: pending.firstSequenceNumber },
            ':last': { S: pending.lastSequenceNumber },
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LaneConflictError(laneId, error);
      translateDynamoError(error, 'UpdateItem', this.tableName);
    }
  }

  async complete(laneId: string, pendingId: string, checkpoint: string): Promise<void> {
    let chunks = 0;
    try {
      const response = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: laneKey(laneId),
          UpdateExpression: 'SET checkpoint = :checkpoint, updatedAt = :now REMOVE pendingId, pendingChunks, pendingFirst, pendingLast',
          ConditionExpression: 'pendingId = :id',
          ExpressionAttributeValues: { ':checkpoint': { S: checkpoint }, ':id': { S: pendingId }, ':now': { S: new Date().toISOString() } },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      chunks = Number(response.Attributes?.['pendingChunks']?.N ?? 0);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LaneConflictError(laneId, error);
      translateDynamoError(error, 'UpdateItem', this.tableName);
    }
    if (chunks > 0) {
      // Best effort: a chunk that survives a crash here expires through its TTL.
      await this.client
        .send(
          new BatchWriteItemCommand({
            RequestItems: {
              [this.tableName]: Array.from({ length: chunks }, (_, index) => ({
                DeleteRequest: { Key: { pk: { S: `lane#${laneId}` }, sk: { S: chunkSortKey(pendingId, index) } } },
              })),
            },
          }),
        )
        .catch(() => undefined);
    }
  }

  async advance(laneId: string, checkpoint: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: laneKey(laneId),
          UpdateExpression: 'SET checkpoint = :checkpoint, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(pendingId)',
          ExpressionAttributeValues: { ':checkpoint': { S: checkpoint }, ':now': { S: new Date().toISOString() } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LaneConflictError(laneId, error);
      translateDynamoError(error, 'UpdateItem', this.tableName);
    }
  }

  private async readPending(laneId: string, pendingId: string, chunks: number): Promise<PendingBatch> {
    const parts: Uint8Array[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const response = await this.client
        .send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': { S: `lane#${laneId}` }, ':prefix': { S: `pending#${pendingId}#` } },
            ConsistentRead: true,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        )
        .catch((error: unknown) => translateDynamoError(error, 'Query', this.tableName));
      // Chunks at or past the count are left over from an earlier, larger write of the same batch id
      // (a crash before the lane update, then a recomputed body): they are not part of this body.
      for (const item of response.Items ?? []) {
        if (item['data']?.B !== undefined && (item['sk']?.S ?? '') < chunkSortKey(pendingId, chunks)) parts.push(item['data'].B);
      }
      startKey = response.LastEvaluatedKey;
    } while (startKey !== undefined);
    if (parts.length !== chunks) {
      throw new ProcessorError(`pending batch ${pendingId} of lane ${laneId} has ${parts.length} of ${chunks} chunks`, { retriable: false, context: { laneId } });
    }
    return decodeStoredJson(pendingBatchSchema, gunzipSync(Buffer.concat(parts)).toString('utf8'), `pending batch ${pendingId}`);
  }
}
