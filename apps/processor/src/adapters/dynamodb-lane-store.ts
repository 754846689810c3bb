import { randomBytes } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, gunzipSync } from 'node:zlib';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { compareSequence } from '../core/company-state';
import { LaneConflictError, ProcessorError } from '../core/errors';
import { pendingBatchSchema, type PendingBatch } from '../core/pending-batch';
import type { DedupeSegment } from '../core/dedupe-window';
import type { CompleteOptions, DeferredBatches, FailedBatch, LaneState, LaneStore, SkippedRange, SweepProgress } from '../core/ports';
import { decodeStoredJson, translateDynamoError } from './dynamodb-errors';

/** Pending batches are stored compressed in chunks below DynamoDB's 400 KB item limit. */
const CHUNK_BYTES = 300_000;
/** Chunks expire after this (free TTL deletion): long enough for a pending batch to outlive any outage of S3 or Kinesis. */
const CHUNK_TTL_SECONDS = 7 * 86_400;

const laneKey = (laneId: string): Record<string, AttributeValue> => ({ pk: { S: `lane#${laneId}` }, sk: { S: 'lane' } });
/**
 * The chunk items of one write of a pending batch. The writer's token keeps two writers of the same
 * batch id (overlapping invocations that computed the same range) from ever mixing their chunks: the
 * lane item names the token whose body won. Lanes written before tokens existed have none.
 */
const legacyChunkPrefix = (pendingId: string, token: string | undefined) => (token === undefined ? `pending#${pendingId}#` : `pending#${pendingId}#${token}#`);
/**
 * Since state compaction the chunks of a write are keyed by its token alone (`pending#~<token>#`),
 * so that a lane can list its deferred batches in a few bytes each; the lane item names the prefix
 * (`pendingRef`). Lanes written before that name none and use the legacy prefix.
 */
const chunkPrefix = (token: string) => `pending#~${token}#`;
const chunkSortKey = (prefix: string, index: number) => `${prefix}${String(index).padStart(4, '0')}`;
/** A deferred batch in the lane item's `deferredRefs` list (`deferred` is a reserved word of DynamoDB's expressions): `<chunk prefix>|<chunk count>`. */
const deferredRef = (prefix: string, chunks: number) => `${prefix}|${chunks}`;
function parseDeferredRef(ref: string): { prefix: string; chunks: number } {
  const at = ref.lastIndexOf('|');
  return { prefix: ref.slice(0, at), chunks: Number(ref.slice(at + 1)) };
}

/** A compaction sweep under way in the lane item's `deferredSweep`: `<covers>/<shares>/<done>`. */
const sweepText = (sweep: SweepProgress) => `${sweep.covers}/${sweep.shares}/${sweep.done}`;
function parseSweep(text: string | undefined): SweepProgress | undefined {
  const [covers, shares, done] = (text ?? '').split('/').map(Number);
  if (covers === undefined || shares === undefined || done === undefined || ![covers, shares, done].every(Number.isInteger)) return undefined;
  return { covers, shares, done };
}

/**
 * Brotli at quality 5: on a batch of 480 enriched records 27 % smaller than gzip (42 KB against
 * 58 KB of 366 KB of JSON) for ~9 ms of CPU instead of ~4; DynamoDB bills the body per KB twice
 * (pending written, and the chunk read again on a cold start).
 */
const BODY_QUALITY = 5;
function compressBody(json: string): Buffer {
  const raw = Buffer.from(json, 'utf8');
  return brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BODY_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
}
/** A stored body: brotli, or gzip (magic bytes 1f 8b) as written before. */
function decompressBody(body: Buffer): Buffer {
  return body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : brotliDecompressSync(body);
}

/** Bytes of one stored dedupe digest (a 53-bit integer, big-endian). */
const DIGEST_BYTES = 8;
/** Dedupe segments sort by creation time, so a window is one key range: `dedupe#<epoch ms, 15 digits>#<pending id>`. */
const dedupeSortKey = (createdAtMs: number, id: string) => `dedupe#${String(createdAtMs).padStart(15, '0')}#${id}`;

/** The condition that fences a lane write: the lane is still at the version its writer read. */
function versionCondition(expectedVersion: number): { condition: string; values: Record<string, AttributeValue> } {
  // Version 0: the lane item does not exist, or was written before lanes had versions.
  if (expectedVersion === 0) return { condition: 'attribute_not_exists(version)', values: {} };
  return { condition: 'version = :expected', values: { ':expected': { N: String(expectedVersion) } } };
}

/**
 * Lane progress in the state table: one item per shard lane (`pk = lane#<stream>/<shardId>`,
 * `sk = lane`) with the checkpoint, the lane's fencing version and the id of the pending batch,
 * whose body lives in chunk items of the same partition. The chunks are written before the lane
 * item points at them, so a lane never points at a partial body; every lane update is conditional
 * on the version its writer read (see {@link LaneStore}).
 */
export class DynamoDbLaneStore implements LaneStore {
  /**
   * The stored body of each lane's pending batch that this store wrote or read: `complete` with
   * `defer` lists it in the lane item (a processor always gets its pending batch through `get` or
   * `putPending` of the same store before completing it).
   */
  private readonly pendingRefs = new Map<string, { pendingId: string; ref: string; createdAt: string }>();
  /**
   * Each lane's deferred list as this store last read or wrote it. `complete` with `compacted`
   * rewrites the list from it (DynamoDB cannot remove a list's head and append to it in one update):
   * the fence makes it the lane's list, since only this store's own writes came after its read.
   */
  private readonly deferredLists = new Map<string, readonly string[]>();

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
    const token = item?.['pendingToken']?.S;
    const chunks = Number(item?.['pendingChunks']?.N ?? 0);
    const version = Number(item?.['version']?.N ?? 0);
    const epoch = item?.['epoch']?.S;
    const deferredRefs = item?.['deferredRefs']?.L?.map((entry) => entry.S ?? '') ?? [];
    const since = item?.['deferredSince']?.S;
    const sweep = parseSweep(item?.['deferredSweep']?.S);
    const failedFirst = item?.['failedFirst']?.S;
    const failedLast = item?.['failedLast']?.S;
    const failedAfter = item?.['failedAfter']?.S;
    const skipped = (item?.['skippedRanges']?.SS ?? []).map(parseSkippedRange).sort((a, b) => compareSequence(a.before, b.before));
    this.deferredLists.set(laneId, deferredRefs);
    const lane: LaneState = {
      laneId,
      version,
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(epoch === undefined ? {} : { epoch }),
      ...(deferredRefs.length === 0 || since === undefined ? {} : { deferred: { refs: deferredRefs, since, ...(sweep === undefined ? {} : { sweep }) } }),
      ...(failedFirst === undefined || failedLast === undefined ? {} : { failed: { first: failedFirst, last: failedLast, ...(failedAfter === undefined ? {} : { after: failedAfter }) } }),
      ...(skipped.length === 0 ? {} : { skipped }),
    };
    if (pendingId === undefined) return lane;
    const prefix = item?.['pendingRef']?.S ?? legacyChunkPrefix(pendingId, token);
    const pending = await this.readPending(laneId, pendingId, prefix, chunks);
    this.pendingRefs.set(laneId, { pendingId, ref: deferredRef(prefix, chunks), createdAt: pending.createdAt });
    return { ...lane, pending };
  }

  async putPending(laneId: string, pending: PendingBatch, expectedVersion: number): Promise<number> {
    const body = compressBody(JSON.stringify(pending));
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < body.length; offset += CHUNK_BYTES) chunks.push(body.subarray(offset, offset + CHUNK_BYTES));
    const token = randomBytes(6).toString('base64url');
    const prefix = chunkPrefix(token);
    const expiresAt = String(Math.floor(Date.now() / 1000) + CHUNK_TTL_SECONDS);
    for (const [index, chunk] of chunks.entries()) {
      await this.client
        .send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: { pk: { S: `lane#${laneId}` }, sk: { S: chunkSortKey(prefix, index) }, data: { B: chunk }, expiresAt: { N: expiresAt } },
          }),
        )
        .catch((error: unknown) => translateDynamoError(error, 'PutItem', this.tableName));
    }
    const fence = versionCondition(expectedVersion);
    const setEpoch = pending.epoch === undefined ? '' : ', epoch = if_not_exists(epoch, :epoch)';
    const version = await this.updateLane(laneId, {
      UpdateExpression: `SET pendingId = :id, pendingRef = :ref, pendingChunks = :chunks, pendingFirst = :first, pendingLast = :last, version = :next${setEpoch}`,
      ConditionExpression: `${fence.condition} AND attribute_not_exists(pendingId)`,
      ExpressionAttributeValues: {
        ...fence.values,
        ':id': { S: pending.id },
        ':ref': { S: prefix },
        ':chunks': { N: String(chunks.length) },
        ':first': { S: pending.firstSequenceNumber },
        ':last': { S: pending.lastSequenceNumber },
        ':next': { N: String(expectedVersion + 1) },
        ...(pending.epoch === undefined ? {} : { ':epoch': { S: pending.epoch } }),
      },
    }).then(() => expectedVersion + 1);
    this.pendingRefs.set(laneId, { pendingId: pending.id, ref: deferredRef(prefix, chunks.length), createdAt: pending.createdAt });
    return version;
  }

  async complete(laneId: string, pendingId: string, checkpoint: string, expectedVersion: number, options: CompleteOptions = {}): Promise<number> {
    const fence = versionCondition(expectedVersion);
    const values: Record<string, AttributeValue> = {
      ...fence.values,
      ':checkpoint': { S: checkpoint },
      ':id': { S: pendingId },
      ':now': { S: new Date().toISOString() },
      ':next': { N: String(expectedVersion + 1) },
    };
    const sets = ['checkpoint = :checkpoint', 'updatedAt = :now', 'version = :next'];
    const adds: string[] = [];
    const removes = ['pendingId', 'pendingToken', 'pendingRef', 'pendingChunks', 'pendingFirst', 'pendingLast'];
    // The lane's deferred list once this write lands (undefined: appended to a list this store did not read).
    let listAfter: readonly string[] | undefined = [];
    if (options.defer === true) {
      // The batch's body stays where it is (its chunks): the lane only lists it.
      const known = this.pendingRefs.get(laneId);
      if (known?.pendingId !== pendingId) {
        throw new ProcessorError(`cannot defer pending batch ${pendingId} of lane ${laneId}: this store neither wrote nor read it`, { retriable: false, context: { laneId } });
      }
      const compacted = options.compacted?.count ?? 0;
      if (compacted === 0) {
        sets.push('deferredRefs = list_append(if_not_exists(deferredRefs, :empty), :ref)', 'deferredSince = if_not_exists(deferredSince, :since)');
        Object.assign(values, { ':empty': { L: [] }, ':ref': { L: [{ S: known.ref }] }, ':since': { S: known.createdAt } });
        const listed = this.deferredLists.get(laneId);
        listAfter = listed === undefined ? undefined : [...listed, known.ref];
      } else {
        // A compaction sweep wrote the oldest `compacted` batches' companies: they leave the list.
        const listed = this.deferredLists.get(laneId);
        if (listed === undefined || compacted > listed.length) {
          throw new ProcessorError(`cannot drop ${compacted} deferred batches of lane ${laneId}: this store read ${listed?.length ?? 'no'} list`, { retriable: false, context: { laneId } });
        }
        const kept = [...listed.slice(compacted), known.ref];
        listAfter = kept;
        sets.push('deferredRefs = :refs', 'deferredSince = :since');
        Object.assign(values, { ':refs': { L: kept.map((ref) => ({ S: ref })) }, ':since': { S: kept.length === 1 ? known.createdAt : (options.compacted?.since ?? known.createdAt) } });
      }
      if (options.sweep === undefined) removes.push('deferredSweep');
      else {
        sets.push('deferredSweep = :sweep');
        values[':sweep'] = { S: sweepText(options.sweep) };
      }
    } else {
      // Without `defer`, the lane's deferred batches were compacted by the caller: the list goes.
      removes.unshift('deferredRefs', 'deferredSince', 'deferredSweep');
    }
    if (options.settle !== undefined) {
      removes.push('failedFirst', 'failedLast', 'failedAfter');
      if (options.settle.skipped !== undefined) {
        adds.push('skippedRanges :skipped');
        values[':skipped'] = { SS: [skippedRangeText(options.settle.skipped)] };
      }
    }
    await this.updateLane(laneId, {
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}${adds.length === 0 ? '' : ` ADD ${adds.join(', ')}`}`,
      ConditionExpression: `${fence.condition} AND pendingId = :id`,
      ExpressionAttributeValues: values,
    });
    this.pendingRefs.delete(laneId);
    if (listAfter === undefined) this.deferredLists.delete(laneId);
    else this.deferredLists.set(laneId, listAfter);
    // The chunks are left to their TTL: a delete bills as many write units as the write did, a
    // TTL deletion none, and nothing reads a chunk the lane no longer points at.
    return expectedVersion + 1;
  }

  async compacted(laneId: string, expectedVersion: number): Promise<number> {
    const fence = versionCondition(expectedVersion);
    await this.updateLane(laneId, {
      UpdateExpression: 'SET updatedAt = :now, version = :next REMOVE deferredRefs, deferredSince, deferredSweep',
      ConditionExpression: `${fence.condition} AND attribute_not_exists(pendingId)`,
      ExpressionAttributeValues: { ...fence.values, ':now': { S: new Date().toISOString() }, ':next': { N: String(expectedVersion + 1) } },
    });
    this.deferredLists.set(laneId, []);
    return expectedVersion + 1;
  }

  async noteFailure(laneId: string, failed: FailedBatch, expectedVersion: number): Promise<number> {
    const fence = versionCondition(expectedVersion);
    const after = failed.after === undefined ? '' : ', failedAfter = :after';
    await this.updateLane(laneId, {
      UpdateExpression: `SET failedFirst = :first, failedLast = :last, updatedAt = :now, version = :next${after}${failed.after === undefined ? ' REMOVE failedAfter' : ''}`,
      ConditionExpression: `${fence.condition} AND attribute_not_exists(pendingId)`,
      ExpressionAttributeValues: {
        ...fence.values,
        ':first': { S: failed.first },
        ':last': { S: failed.last },
        ':now': { S: new Date().toISOString() },
        ':next': { N: String(expectedVersion + 1) },
        ...(failed.after === undefined ? {} : { ':after': { S: failed.after } }),
      },
    });
    return expectedVersion + 1;
  }

  async resolveSkipped(laneId: string, range: SkippedRange, expectedVersion: number): Promise<number> {
    // A string set: the range is deleted by value, without reading the lane (an emptied set disappears).
    const fence = versionCondition(expectedVersion);
    await this.updateLane(laneId, {
      UpdateExpression: 'SET updatedAt = :now, version = :next DELETE skippedRanges :range',
      ConditionExpression: fence.condition,
      ExpressionAttributeValues: { ...fence.values, ':range': { SS: [skippedRangeText(range)] }, ':now': { S: new Date().toISOString() }, ':next': { N: String(expectedVersion + 1) } },
    });
    return expectedVersion + 1;
  }

  async loadDeferred(laneId: string, deferred: DeferredBatches): Promise<PendingBatch[]> {
    const bodies: PendingBatch[] = [];
    for (const ref of deferred.refs) {
      const { prefix, chunks } = parseDeferredRef(ref);
      bodies.push(await this.readPending(laneId, ref, prefix, chunks));
    }
    return bodies;
  }

  async advance(laneId: string, checkpoint: string, expectedVersion: number): Promise<number> {
    const fence = versionCondition(expectedVersion);
    await this.updateLane(laneId, {
      UpdateExpression: 'SET checkpoint = :checkpoint, updatedAt = :now, version = :next',
      ConditionExpression: `${fence.condition} AND attribute_not_exists(pendingId)`,
      ExpressionAttributeValues: {
        ...fence.values,
        ':checkpoint': { S: checkpoint },
        ':now': { S: new Date().toISOString() },
        ':next': { N: String(expectedVersion + 1) },
      },
    });
    return expectedVersion + 1;
  }

  async putDedupeSegment(laneId: string, segment: DedupeSegment, windowMs: number): Promise<void> {
    const digests = Buffer.alloc(segment.digests.length * DIGEST_BYTES);
    segment.digests.forEach((digest, index) => digests.writeBigUInt64BE(BigInt(digest), index * DIGEST_BYTES));
    // Kept a day past the window: DynamoDB's TTL deletes within a day or two, and reads are by key range anyway.
    const expiresAt = String(Math.floor((segment.createdAtMs + windowMs) / 1000) + 86_400);
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: { S: `lane#${laneId}` }, sk: { S: dedupeSortKey(segment.createdAtMs, segment.id) }, d: { B: digests }, expiresAt: { N: expiresAt } },
        }),
      )
      .catch((error: unknown) => translateDynamoError(error, 'PutItem', this.tableName));
  }

  async loadDedupeSegments(laneIds: readonly string[], sinceMs: number): Promise<DedupeSegment[]> {
    const segments: DedupeSegment[] = [];
    for (const laneId of laneIds) {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const response = await this.client
          .send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':pk': { S: `lane#${laneId}` }, ':from': { S: dedupeSortKey(sinceMs, '') }, ':to': { S: 'dedupe#~' } },
              ConsistentRead: true,
              ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
            }),
          )
          .catch((error: unknown) => translateDynamoError(error, 'Query', this.tableName));
        for (const item of response.Items ?? []) {
          const [, createdAt = '', ...id] = (item['sk']?.S ?? '').split('#');
          const bytes = item['d']?.B ?? new Uint8Array();
          const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          const digests = Array.from({ length: Math.floor(view.length / DIGEST_BYTES) }, (_, index) => Number(view.readBigUInt64BE(index * DIGEST_BYTES)));
          segments.push({ id: id.join('#'), createdAtMs: Number(createdAt), digests });
        }
        startKey = response.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return segments.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  /** A conditional update of the lane item; a failed condition is a {@link LaneConflictError}. */
  private async updateLane(
    laneId: string,
    update: Pick<UpdateItemCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>,
  ): Promise<void> {
    try {
      await this.client.send(new UpdateItemCommand({ TableName: this.tableName, Key: laneKey(laneId), ...update }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LaneConflictError(laneId, error);
      translateDynamoError(error, 'UpdateItem', this.tableName);
    }
  }

  private async readPending(laneId: string, pendingId: string, prefix: string, chunks: number): Promise<PendingBatch> {
    const parts: Uint8Array[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const response = await this.client
        .send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': { S: `lane#${laneId}` }, ':prefix': { S: prefix } },
            ConsistentRead: true,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        )
        .catch((error: unknown) => translateDynamoError(error, 'Query', this.tableName));
      // Only this write's chunks: 4-digit indexes below the count (an untokened prefix of a lane
      // written before tokens also matches other writes' longer keys, which are left out).
      for (const item of response.Items ?? []) {
        const sk = item['sk']?.S ?? '';
        const index = sk.slice(prefix.length);
        if (item['data']?.B !== undefined && /^\d{4}$/.test(index) && Number(index) < chunks) parts.push(item['data'].B);
      }
      startKey = response.LastEvaluatedKey;
    } while (startKey !== undefined);
    if (parts.length !== chunks) {
      throw new ProcessorError(`pending batch ${pendingId} of lane ${laneId} has ${parts.length} of ${chunks} chunks`, { retriable: false, context: { laneId } });
    }
    return decodeStoredJson(pendingBatchSchema, decompressBody(Buffer.concat(parts)).toString('utf8'), `pending batch ${pendingId}`);
  }
}

/** A skipped range as stored in the lane item's string set: `<after>|<before>` (`after` empty for the shard's start). */
function skippedRangeText(range: SkippedRange): string {
  return `${range.after ?? ''}|${range.before}`;
}

function parseSkippedRange(text: string): SkippedRange {
  const [after = '', before = ''] = text.split('|');
  return { ...(after === '' ? {} : { after }), before };
}
