import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DependencyUnavailableError, LaneConflictError, ProcessorError } from '../core/errors';
import type { PendingBatch } from '../core/pending-batch';
import { deadLetterFactory, pendingBatchFactory } from '../testing/record-fixtures';
import { DynamoDbLaneStore } from './dynamodb-lane-store';

const TABLE = 'checkpoints';
const LANE = 'bigdatajobs/shardId-000000000000';
const LANE_KEY = { pk: { S: `lane#${LANE}` }, sk: { S: 'lane' } };
/** DynamoDB's item size limit. */
const MAX_ITEM_BYTES = 400 * 1024;

const dynamodb = mockClient(DynamoDBClient);
const storeFactory = () => new DynamoDbLaneStore(new DynamoDBClient({ region: 'us-west-2' }), TABLE);

/** A pending batch whose dead letters carry incompressible data: about 750 KB compressed. */
function largePendingBatch(): PendingBatch {
  const letters = ['105', '110', '115'].map((sequence) => deadLetterFactory(sequence, {}, randomBytes(250_000).toString('base64')));
  return pendingBatchFactory({ deadLetters: letters });
}

/** An item's size as DynamoDB counts it: attribute names plus values. */
function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => {
    const size = value.B?.byteLength ?? Buffer.byteLength(value.S ?? value.N ?? '');
    return sum + Buffer.byteLength(name) + size;
  }, 0);
}

/** The writer token in the sort keys of chunks written by one putPending. */
/** The chunk prefix of a write (`pending#~<token>#`), as the lane item names it in `pendingRef`. */
const prefixOf = (chunks: readonly Record<string, AttributeValue>[]) => ({ S: (chunks[0]?.['sk']?.S ?? '').slice(0, -4) });
const commandNames = () => dynamodb.calls().map((call) => (call.args[0] as object).constructor.name);
const writtenChunks = () => dynamodb.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item ?? {});
const conflict = () => new ConditionalCheckFailedException({ message: 'conditional request failed', $metadata: {} });

/** Serves the lane item and the chunks the store wrote, one chunk per Query page. */
function serveLane(chunks: readonly Record<string, AttributeValue>[], lane: Record<string, AttributeValue>) {
  dynamodb.on(GetItemCommand).resolves({ Item: { ...LANE_KEY, ...lane } });
  dynamodb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
    const prefix = input.ExpressionAttributeValues?.[':prefix']?.S ?? '';
    const matching = chunks.filter((chunk) => chunk['pk']?.S === input.ExpressionAttributeValues?.[':pk']?.S && chunk['sk']?.S?.startsWith(prefix));
    const start = input.ExclusiveStartKey === undefined ? 0 : matching.findIndex((chunk) => chunk['sk']?.S === input.ExclusiveStartKey?.['sk']?.S) + 1;
    const page = matching.slice(start, start + 1);
    const last = page[0];
    return { Items: page, ...(start + 1 < matching.length && last !== undefined ? { LastEvaluatedKey: { pk: last['pk'] ?? { S: '' }, sk: last['sk'] ?? { S: '' } } } : {}) };
  });
}

describe('DynamoDbLaneStore', () => {
  beforeEach(() => dynamodb.reset());
  afterAll(() => dynamodb.restore());

  describe('get', () => {
    it('answers a lane without an item as a lane without checkpoint', async () => {
      // Prepare
      dynamodb.on(GetItemCommand).resolves({});

      // Act
      const lane = await storeFactory().get(LANE);

      // Assess
      expect(lane).toEqual({ laneId: LANE, version: 0 });
      expect(dynamodb.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: LANE_KEY, ConsistentRead: true });
    });

    it('reads the checkpoint of a lane without a pending batch, without querying chunks', async () => {
      // Prepare
      dynamodb.on(GetItemCommand).resolves({ Item: { ...LANE_KEY, checkpoint: { S: '4711' }, version: { N: '7' } } });

      // Act
      const lane = await storeFactory().get(LANE);

      // Assess
      expect(lane).toEqual({ laneId: LANE, checkpoint: '4711', version: 7 });
      expect(dynamodb.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('fails with a retriable DependencyUnavailableError when throttled', async () => {
      // Prepare
      dynamodb.on(GetItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

      // Act
      const failure = await storeFactory().get(LANE).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
    });
  });

  describe('putPending', () => {
    it('writes the body as one chunk item under its own token, then points the lane at it, fenced on the version read', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).resolves({});
      const batch = pendingBatchFactory();

      // Act
      const version = await storeFactory().putPending(LANE, batch, 4);

      // Assess
      expect(version).toBe(5);
      expect(commandNames()).toEqual(['PutItemCommand', 'UpdateItemCommand']);
      const sortKey = writtenChunks()[0]?.['sk']?.S ?? '';
      expect(sortKey).toMatch(/^pending#~[A-Za-z0-9_-]{8}#0000$/);
      const prefix = sortKey.slice(0, -4);
      expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
        TableName: TABLE,
        Key: LANE_KEY,
        ConditionExpression: 'version = :expected AND attribute_not_exists(pendingId)',
        ExpressionAttributeValues: { ':expected': { N: '4' }, ':next': { N: '5' }, ':id': { S: batch.id }, ':ref': { S: prefix }, ':chunks': { N: '1' }, ':first': { S: '100' }, ':last': { S: '120' } },
      });
    });

    it('gives each write of the same batch id its own chunk items (two overlapping writers never mix bodies)', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).resolves({});
      const batch = pendingBatchFactory();

      // Act
      await storeFactory().putPending(LANE, batch, 0);
      await storeFactory().putPending(LANE, batch, 0);

      // Assess
      const keys = writtenChunks().map((chunk) => chunk['sk']?.S);
      expect(new Set(keys).size).toBe(2);
      expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(version) AND attribute_not_exists(pendingId)');
    });

    it('splits a large body into several chunk items below the item size limit, all written before the lane update', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).resolves({});
      const batch = largePendingBatch();

      // Act
      await storeFactory().putPending(LANE, batch, 0);

      // Assess
      const chunks = writtenChunks();
      expect(chunks.length).toBeGreaterThanOrEqual(3);
      const prefix = prefixOf(chunks).S;
      expect(chunks.map((chunk) => chunk['sk']?.S)).toEqual(chunks.map((_, index) => `${prefix}${String(index).padStart(4, '0')}`));
      expect(Math.max(...chunks.map(itemBytes))).toBeLessThanOrEqual(MAX_ITEM_BYTES);
      expect(commandNames()).toEqual([...chunks.map(() => 'PutItemCommand'), 'UpdateItemCommand']);
      expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':chunks']).toEqual({ N: String(chunks.length) });
    });

    it('fails with a retriable LaneConflictError when another writer moved the lane or holds it with a pending batch', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).rejects(conflict());

      // Act
      const failure = await storeFactory().putPending(LANE, pendingBatchFactory(), 3).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(LaneConflictError);
      expect(failure).toMatchObject({ retriable: true, context: { laneId: LANE } });
    });

    it('fails with a retriable error and leaves the lane alone when a chunk write is throttled', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

      // Act
      const failure = await storeFactory().putPending(LANE, pendingBatchFactory(), 0).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);
    });
  });

  describe('get with a pending batch', () => {
    /** Writes `batch` through the store and returns the chunk items it wrote. */
    async function writeThroughStore(batch: PendingBatch) {
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).resolves({});
      await storeFactory().putPending(LANE, batch, 0);
      const chunks = writtenChunks();
      dynamodb.reset();
      return chunks;
    }

    it('reassembles the chunks it wrote (round trip, paged Query) and decodes the batch', async () => {
      // Prepare
      const batch = largePendingBatch();
      const chunks = await writeThroughStore(batch);
      serveLane(chunks, { checkpoint: { S: '90' }, pendingId: { S: batch.id }, pendingRef: prefixOf(chunks), pendingChunks: { N: String(chunks.length) }, version: { N: '2' } });

      // Act
      const lane = await storeFactory().get(LANE);

      // Assess
      expect(lane).toEqual({ laneId: LANE, checkpoint: '90', pending: batch, version: 2 });
      const queries = dynamodb.commandCalls(QueryCommand).map((call) => call.args[0].input);
      expect(queries).toHaveLength(chunks.length);
      expect(queries[0]).toMatchObject({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: `lane#${LANE}` }, ':prefix': prefixOf(chunks) },
        ConsistentRead: true,
      });
    });

    it('ignores chunks of another pending batch of the same lane', async () => {
      // Prepare: a crash left the chunks of batch 1–5 behind
      const batch = pendingBatchFactory();
      const leftOver = await writeThroughStore(pendingBatchFactory({ firstSequenceNumber: '1', lastSequenceNumber: '5' }));
      const chunks = await writeThroughStore(batch);
      serveLane([...leftOver, ...chunks], { pendingId: { S: batch.id }, pendingRef: prefixOf(chunks), pendingChunks: { N: '1' } });

      // Act
      const lane = await storeFactory().get(LANE);

      // Assess
      expect(lane.pending).toEqual(batch);
    });

    it('ignores the chunks of another write of the same batch id (an overlapping or crashed writer)', async () => {
      // Prepare: attempt 1 wrote 3+ chunks and crashed (or lost the race) before the lane update;
      // attempt 2 recomputed the same range (same id) into a body of one chunk and won
      const first = await writeThroughStore(largePendingBatch());
      const batch = pendingBatchFactory();
      const second = await writeThroughStore(batch);
      const merged = [...second, ...first.slice(second.length)];
      serveLane(merged, { pendingId: { S: batch.id }, pendingRef: prefixOf(second), pendingChunks: { N: String(second.length) } });

      // Act
      const lane = await storeFactory().get(LANE);

      // Assess
      expect(merged.length).toBeGreaterThan(second.length);
      expect(lane.pending).toEqual(batch);
    });

    it('fails with a clear, non-retriable error when a chunk is missing', async () => {
      // Prepare
      const batch = largePendingBatch();
      const chunks = await writeThroughStore(batch);
      serveLane(chunks.slice(0, -1), { pendingId: { S: batch.id }, pendingRef: prefixOf(chunks), pendingChunks: { N: String(chunks.length) } });

      // Act
      const failure = await storeFactory().get(LANE).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ProcessorError);
      expect(failure).toMatchObject({
        retriable: false,
        message: `pending batch ${batch.id} of lane ${LANE} has ${chunks.length - 1} of ${chunks.length} chunks`,
      });
    });

    it('reads a pending batch of the layout before state compaction (gzip chunks pending#<id>#<token>#NNNN, no pendingRef)', async () => {
      // Prepare
      const batch = pendingBatchFactory();
      const chunk = { pk: { S: `lane#${LANE}` }, sk: { S: `pending#${batch.id}#AbCdEfGh#0000` }, data: { B: gzipSync(JSON.stringify(batch)) } };
      serveLane([chunk], { pendingId: { S: batch.id }, pendingToken: { S: 'AbCdEfGh' }, pendingChunks: { N: '1' } });

      // Act
      const lane = await storeFactory().get(LANE);

      // Assess
      expect(lane).toEqual({ laneId: LANE, pending: batch, version: 0 });
    });

    it('reads a pending batch written before writer tokens existed (chunks pending#<id>#NNNN)', async () => {
      // Prepare
      const batch = pendingBatchFactory();
      const chunk = { pk: { S: `lane#${LANE}` }, sk: { S: `pending#${batch.id}#0000` }, data: { B: gzipSync(JSON.stringify(batch)) } };
      serveLane([chunk], { pendingId: { S: batch.id }, pendingChunks: { N: '1' } });

      // Act
      const lane = await storeFactory().get(LANE);

      // Assess
      expect(lane).toEqual({ laneId: LANE, pending: batch, version: 0 });
    });

    it('rejects a stored body that does not match the pending batch schema', async () => {
      // Prepare
      const chunk = { pk: { S: `lane#${LANE}` }, sk: { S: 'pending#p1#0000' }, data: { B: gzipSync(JSON.stringify({ id: 'p1', commits: 'none' })) } };
      serveLane([chunk], { pendingId: { S: 'p1' }, pendingChunks: { N: '1' } });

      // Act
      const failure = await storeFactory().get(LANE).catch((error: unknown) => error);

      // Assess
      expect(failure).toMatchObject({ retriable: false, message: expect.stringMatching(/pending batch p1 does not match its schema/) });
    });
  });

  describe('complete', () => {
    it('clears the pending batch and sets the checkpoint in one conditional update, leaving the chunks to their TTL (a delete would bill write units)', async () => {
      // Prepare
      dynamodb.on(UpdateItemCommand).resolves({});

      // Act
      const version = await storeFactory().complete(LANE, 'p1', '120', 5);

      // Assess
      expect(version).toBe(6);
      const update = dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
      expect(update).toMatchObject({
        Key: LANE_KEY,
        ConditionExpression: 'version = :expected AND pendingId = :id',
        ExpressionAttributeValues: { ':checkpoint': { S: '120' }, ':id': { S: 'p1' }, ':expected': { N: '5' }, ':next': { N: '6' } },
      });
      expect(update?.UpdateExpression).toBe(
        'SET checkpoint = :checkpoint, updatedAt = :now, version = :next REMOVE deferredRefs, deferredSince, deferredSweep, pendingId, pendingToken, pendingRef, pendingChunks, pendingFirst, pendingLast',
      );
      expect(commandNames()).toEqual(['UpdateItemCommand']);
    });

    it('with defer, lists the batch it wrote as deferred (its chunk prefix and count) and keeps the lane\'s earlier deferred batches', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).resolves({});
      const store = storeFactory();
      const batch = pendingBatchFactory();
      await store.putPending(LANE, batch, 5);
      const prefix = prefixOf(writtenChunks()).S;

      // Act
      const version = await store.complete(LANE, batch.id, '120', 6, { defer: true });

      // Assess
      expect(version).toBe(7);
      const update = dynamodb.commandCalls(UpdateItemCommand)[1]?.args[0].input;
      expect(update?.UpdateExpression).toBe(
        'SET checkpoint = :checkpoint, updatedAt = :now, version = :next, deferredRefs = list_append(if_not_exists(deferredRefs, :empty), :ref), deferredSince = if_not_exists(deferredSince, :since) REMOVE pendingId, pendingToken, pendingRef, pendingChunks, pendingFirst, pendingLast, deferredSweep',
      );
      expect(update?.ExpressionAttributeValues).toMatchObject({ ':ref': { L: [{ S: `${prefix}|1` }] }, ':since': { S: batch.createdAt }, ':expected': { N: '6' } });
    });

    it('with compacted, rewrites the list it read without its head (DynamoDB cannot drop a head and append in one update), and keeps a sweep under way', async () => {
      // Prepare
      dynamodb.on(GetItemCommand).resolves({
        Item: { ...LANE_KEY, version: { N: '6' }, checkpoint: { S: '100' }, deferredRefs: { L: [{ S: 'pending#~a#|1' }, { S: 'pending#~b#|1' }, { S: 'pending#~c#|2' }] }, deferredSince: { S: '2026-11-25T10:00:00.000Z' }, deferredSweep: { S: '2/1/0' } },
      });
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(UpdateItemCommand).resolves({});
      const store = storeFactory();
      const lane = await store.get(LANE);
      const batch = pendingBatchFactory();
      await store.putPending(LANE, batch, 6);
      const prefix = prefixOf(writtenChunks()).S;

      // Act
      await store.complete(LANE, batch.id, '120', 7, { defer: true, compacted: { count: 2, since: '2026-11-25T10:00:30.000Z' }, sweep: { covers: 2, shares: 3, done: 1 } });

      // Assess
      expect(lane.deferred).toEqual({ refs: ['pending#~a#|1', 'pending#~b#|1', 'pending#~c#|2'], since: '2026-11-25T10:00:00.000Z', sweep: { covers: 2, shares: 1, done: 0 } });
      const update = dynamodb.commandCalls(UpdateItemCommand)[1]?.args[0].input;
      expect(update?.UpdateExpression).toBe(
        'SET checkpoint = :checkpoint, updatedAt = :now, version = :next, deferredRefs = :refs, deferredSince = :since, deferredSweep = :sweep REMOVE pendingId, pendingToken, pendingRef, pendingChunks, pendingFirst, pendingLast',
      );
      expect(update?.ExpressionAttributeValues).toMatchObject({ ':refs': { L: [{ S: 'pending#~c#|2' }, { S: `${prefix}|1` }] }, ':since': { S: '2026-11-25T10:00:30.000Z' }, ':sweep': { S: '2/3/1' } });
    });

    it('refuses to drop deferred batches of a list it has not read (it could not rewrite it)', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});
      const store = storeFactory();
      const batch = pendingBatchFactory();
      await store.putPending(LANE, batch, 5);

      // Act
      const failure = await store.complete(LANE, batch.id, '120', 6, { defer: true, compacted: { count: 1 } }).catch((error: unknown) => error);

      // Assess
      expect(failure).toMatchObject({ retriable: false, message: expect.stringMatching(/cannot drop 1 deferred batches/) });
      expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
    });

    it('refuses to defer a pending batch it neither wrote nor read (it could not name its body)', async () => {
      // Act
      const failure = await storeFactory().complete(LANE, 'p1', '120', 5, { defer: true }).catch((error: unknown) => error);

      // Assess
      expect(failure).toMatchObject({ retriable: false, message: expect.stringMatching(/cannot defer pending batch p1/) });
      expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);
    });

    it('fails with a LaneConflictError when another writer moved the lane (the checkpoint never moves back)', async () => {
      // Prepare
      dynamodb.on(UpdateItemCommand).rejects(conflict());

      // Act
      const failure = await storeFactory().complete(LANE, 'p1', '120', 1).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(LaneConflictError);
    });
  });

  describe('advance', () => {
    it('sets the checkpoint of a lane without a pending batch', async () => {
      // Prepare
      dynamodb.on(UpdateItemCommand).resolves({});

      // Act
      await storeFactory().advance(LANE, '130', 2);

      // Assess
      expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
        Key: LANE_KEY,
        ConditionExpression: 'version = :expected AND attribute_not_exists(pendingId)',
        ExpressionAttributeValues: { ':checkpoint': { S: '130' }, ':expected': { N: '2' }, ':next': { N: '3' } },
      });
    });

    it('fails with a LaneConflictError when the lane has a pending batch', async () => {
      // Prepare
      dynamodb.on(UpdateItemCommand).rejects(conflict());

      // Act
      const failure = await storeFactory().advance(LANE, '130', 0).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(LaneConflictError);
    });
  });
});
